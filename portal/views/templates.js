// The org's templates (docs/TEMPLATES.md): the built-ins and the org's own, and cloning one into a draft.
import { api } from "../lib/api.js";
import { h, replace, link, field, when } from "../lib/dom.js";
import { act, pageHeading, badge } from "../lib/ui.js";

export default async function templates(main, { navigate }) {
  const found = await api("/v1/admin/templates");
  const slot = h("div");
  const from = h("select", { required: true }, found.items.map((t) =>
    h("option", { value: t.id }, t.builtin ? `${t.name} (built-in)` : t.name)));
  const name = h("input", { type: "text", required: true, maxlength: "200", autocomplete: "off" });
  const states = h("input", { type: "text", autocomplete: "off", pattern: "\\s*([A-Za-z]{2}\\s*,?\\s*)*" });
  const button = h("button", { type: "submit", class: "primary" }, "Clone into a draft");
  const clone = h("form", { class: "card", onsubmit: (event) => {
    event.preventDefault();
    const body = { from_template: from.value, name: name.value.trim() };
    const codes = states.value.split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase());
    if (codes.length) body.states = codes;
    act(button, slot, async () => {
      const made = await api("/v1/admin/templates", { method: "POST", body, idempotent: true });
      navigate(`/staff/templates/${encodeURIComponent(made.template.id)}`);
    });
  } },
  h("h2", {}, "Start a new template"),
  field("Clone from", from),
  field("Name", name, "Your name for it, e.g. “New York purchase”."),
  field("States it serves (optional)", states, "Two-letter codes separated by commas, e.g. NY, NJ. Once published, new deals in these states use it."),
  button, slot);
  replace(main, pageHeading("Templates", "The stages, tasks and documents each kind of deal follows."),
    h("section", { class: "card", "aria-labelledby": "tpl-list-h" }, h("h2", { id: "tpl-list-h" }, "Your templates and the built-ins"),
      h("ul", { class: "items" }, found.items.map((t) => h("li", { class: "item" },
        h("div", { class: "item-head" }, link(`/staff/templates/${encodeURIComponent(t.id)}`, t.name), " ",
          t.builtin ? badge("built-in") : t.latest_version ? badge(`version ${t.latest_version}`) : badge("draft")),
        h("p", { class: "hint" }, summary(t)))))),
    clone);
}

function summary(t) {
  const parts = [`${t.workflow} workflow`];
  if (t.builtin) parts.push(`version ${t.latest_version}, read-only: clone it to change it`);
  else {
    parts.push(t.latest_version ? `published up to version ${t.latest_version}` : "never published");
    if (t.states.length) parts.push(`serves ${t.states.join(", ")}`);
    if (t.updated_at) parts.push(`draft saved ${when(t.updated_at)}`);
  }
  return parts.join(" · ");
}
