// One template (docs/TEMPLATES.md): its draft in an editor (JSON, or YAML through export and import), every
// problem with its path next to the editor, publishing (admins), the published versions and what changed.
import { api, ApiError } from "../lib/api.js";
import { h, replace, field, when, link, announce } from "../lib/dom.js";
import { act, errorBox, pageHeading, badge, orgRole } from "../lib/ui.js";
import { whoAmI } from "../app.js";

export default async function templatePage(main, { args: [templateId] }) {
  const me = await whoAmI();
  const base = `/v1/admin/templates/${encodeURIComponent(templateId)}`;
  const [found, versions] = await Promise.all([api(base), api(`${base}/versions`)]);
  const t = found.template;
  const admin = orgRole(me) === "admin";
  const history = versionsSection({ base, t, versions: versions.items });
  const onPublished = () => history.dispatchEvent(new Event("published"));
  replace(main,
    pageHeading(t.name, `${t.workflow} workflow${t.states.length ? ` · serves ${t.states.join(", ")}` : ""}`),
    link("/staff/templates", "All templates"),
    t.builtin ? builtinNotice(t) : editor({ base, found, admin, versions, onPublished }),
    history);
}

function builtinNotice(t) {
  return h("section", { class: "card", "aria-labelledby": "builtin-h" }, h("h2", { id: "builtin-h" }, "A built-in template"),
    h("p", {}, `Threshold's own ${t.workflow} workflow, version ${t.latest_version}. It cannot be edited: clone it from `,
      link("/staff/templates", "the templates page"), " and change the copy."));
}

function editor({ base, found, admin, versions, onPublished }) {
  let draftVersion = found.template.draft_version;
  let saved = "";  // the text as last loaded or saved: checking first saves what changed
  const format = h("select", {}, h("option", { value: "json" }, "JSON"), h("option", { value: "yaml" }, "YAML"));
  const text = h("textarea", { class: "editor", spellcheck: "false", autocomplete: "off", rows: "24" });
  const problems = h("div", { "aria-live": "polite" }, h("p", { class: "hint" }, "Not checked yet: “Check for problems” lists every one, with where it is."));
  const slot = h("div");
  const state = h("p", { class: "hint" });
  const showState = () => state.replaceChildren(`Draft saved as revision ${draftVersion}.`,
    found.template.latest_version ? ` Last published: version ${found.template.latest_version}.` : " Never published.");

  async function load() {
    const [draft, file] = await Promise.all([api(base), format.value === "yaml" ? api(`${base}/export?format=yaml`) : null]);
    draftVersion = draft.template.draft_version;
    text.value = file ? file.content : JSON.stringify(draft.definition, null, 2);
    saved = text.value;
    showState();
  }

  async function save() {
    if (text.value === saved) return true;
    let reply;
    try {
      if (format.value === "json") {
        let definition;
        try { definition = JSON.parse(text.value); } catch (error) {
          problems.replaceChildren(problemList([{ path: "(the whole text)", message: `This is not valid JSON: ${error.message}` }]));
          return false;
        }
        reply = await api(`${base}/draft`, { method: "PUT", body: { definition }, version: draftVersion });
      } else {
        reply = await api(`${base}/import`, { method: "POST", body: { format: "yaml", content: text.value }, version: draftVersion });
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === "invalid_template" && Array.isArray(error.details)) {
        problems.replaceChildren(h("p", {}, "The file was not saved: a YAML file is saved only when it has no problem."), problemList(error.details));
        return false;
      }
      if (error instanceof ApiError && error.status === 412) {
        slot.replaceChildren(errorBox(error, h("p", {}, "Your text is still in the editor: copy what you changed, then ",
          h("button", { type: "button", onclick: () => load().then(() => { slot.replaceChildren(); announce("The latest draft is loaded."); }) },
            "Load the latest draft"), ".")));
        return false;
      }
      throw error;
    }
    draftVersion = reply.template.draft_version;
    saved = text.value;
    showState();
    return true;
  }

  async function check() {
    if (!(await save())) return "";
    const result = await api(`${base}/validate`, { method: "POST" });
    problems.replaceChildren(result.valid ? h("p", { class: "ok" }, "No problems: this draft can be published.") : problemList(result.problems));
    return result.valid ? "The draft has no problems." : `The draft has ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}.`;
  }

  const saveButton = h("button", { type: "button", class: "primary", onclick: () =>
    act(saveButton, slot, async () => { if (await save()) announce("Draft saved."); }) }, "Save the draft");
  const checkButton = h("button", { type: "button", onclick: () =>
    act(checkButton, slot, async () => { const said = await check(); if (said) announce(said); }) }, "Check for problems");
  const publishButton = h("button", { type: "button", disabled: !admin, "aria-describedby": admin ? null : "publish-hint", onclick: () =>
    act(publishButton, slot, async () => {
      if (!(await save())) return;
      try {
        const published = await api(`${base}/publish`, { method: "POST", version: draftVersion });
        found.template.latest_version = published.version;
        versions.items.push(published);
        onPublished();
        problems.replaceChildren();
        showState();
        announce(`Published as version ${published.version}. New deals${published.states.length ? ` in ${published.states.join(", ")}` : ""} use it.`);
      } catch (error) {
        if (error instanceof ApiError && error.code === "invalid_template" && Array.isArray(error.details)) {
          problems.replaceChildren(h("p", {}, "Not published: fix these first."), problemList(error.details));
          return;
        }
        throw error;
      }
    }) }, "Publish");
  format.addEventListener("change", () => {
    if (text.value !== saved && !confirm("Switching the format reloads the saved draft; your unsaved changes are lost. Switch?")) {
      format.value = format.value === "json" ? "yaml" : "json";
      return;
    }
    load().catch((error) => slot.replaceChildren(errorBox(error)));
  });
  const section = h("section", { class: "card", "aria-labelledby": "draft-h" },
    h("h2", { id: "draft-h" }, "The draft"),
    state,
    field("Edit as", format, "JSON is saved as you wrote it, problems and all, and checked when you ask. YAML is saved only when it has no problem."),
    field("Definition", text),
    h("div", { class: "actions" }, saveButton, checkButton, publishButton),
    admin ? null : h("p", { class: "hint", id: "publish-hint" }, "Only an admin of the org can publish. Ask an admin once the draft has no problems."),
    h("h3", {}, "Problems"), problems, slot);
  load().catch((error) => slot.replaceChildren(errorBox(error)));
  return section;
}

function problemList(problems) {
  return h("ul", { class: "problems", "aria-label": "Problems in the draft" }, problems.map((p) =>
    h("li", {}, h("code", {}, p.path || "(the whole definition)"), ": ", p.message)));
}

function versionsSection({ base, t, versions }) {
  const list = h("ul", { class: "items" });
  const from = h("select", {});
  const to = h("select", {});
  const out = h("div", { "aria-live": "polite" });
  const slot = h("div");
  function draw() {
    list.replaceChildren(...versions.map((v) => h("li", { class: "item" },
      h("div", { class: "item-head" }, h("strong", {}, `Version ${v.version}`), " ", badge("published")),
      h("p", { class: "hint" }, v.published_at ? `Published ${when(v.published_at)}` : "Part of Threshold",
        v.states.length ? ` · serves ${v.states.join(", ")}` : ""))));
    const options = versions.map((v) => [String(v.version), `Version ${v.version}`]);
    if (!t.builtin) options.push(["draft", "The draft"]);
    from.replaceChildren(...options.filter(([v]) => v !== "draft").map(([v, label]) => h("option", { value: v }, label)));
    to.replaceChildren(...options.map(([v, label]) => h("option", { value: v }, label)));
    to.value = options.at(-1)?.[0] || "";
  }
  draw();
  const unpublished = h("p", { class: "empty" }, "Not published yet.");
  const button = h("button", { type: "submit" }, "Show what changed");
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    act(button, slot, async () => {
      const diff = await api(`${base}/diff?from=${encodeURIComponent(from.value)}&to=${encodeURIComponent(to.value)}`);
      const label = (v) => (v === "draft" ? "the draft" : `version ${v}`);
      out.replaceChildren(h("h3", {}, `From version ${diff.from_version} to ${label(diff.to_version)}: ${diff.operations.length} change${diff.operations.length === 1 ? "" : "s"}`),
        diff.operations.length ? h("ol", { class: "ops" }, diff.operations.map(operation)) : h("p", {}, "Nothing changed."));
    });
  } }, field("From", from), field("To", to), button);
  const section = h("section", { class: "card", "aria-labelledby": "versions-h" },
    h("h2", { id: "versions-h" }, "Published versions"),
    versions.length ? [list, form] : unpublished, out, slot);
  section.addEventListener("published", () => {
    draw();
    if (unpublished.isConnected) unpublished.replaceWith(list, form);
  });
  return section;
}

const VERBS = { add: "Added", remove: "Removed", replace: "Changed", move: "Moved", copy: "Copied", test: "Checked" };

// A JSON Patch operation, readably: "Added tasks[14]: Order the survey", "Changed stages[2].label to “Offer”".
function operation(op) {
  const where = pointer(op.path);
  const what = op.value === undefined ? "" : describe(op.value);
  const text = op.op === "replace" ? `${where} to ${what}` : op.op === "move" || op.op === "copy"
    ? `${pointer(op.from)} to ${where}` : what ? `${where}: ${what}` : where;
  return h("li", {}, h("strong", {}, VERBS[op.op] || op.op), " ", h("code", {}, text));
}

function pointer(path) {
  return String(path || "").split("/").slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((acc, part) => (/^\d+$/.test(part) || part === "-" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "") || "(the whole definition)";
}

function describe(value) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const name = value.title || value.label || value.key || value.name;
    if (name) return String(name);
  }
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
