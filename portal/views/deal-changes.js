// Change requests on a deal (docs/CHANGE_REQUESTS.md): ask for a change of a type the API offers the
// caller, follow its status and decisions, decide when it waits on you (approve, ask for changes, reject
// with a reason), resubmit after changes were asked for, withdraw.
import { api } from "../lib/api.js";
import { h, words, when, day, field, uid } from "../lib/dom.js";
import { act, badge, empty } from "../lib/ui.js";

const STATUS_WORDS = {
  submitted: "Waiting for a decision",
  changes_requested: "Changes asked for",
  approved: "Approved",
  applied: "Approved and applied to the deal",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};
const DECISION_WORDS = { approve: "approved", reject: "rejected", request_changes: "asked for changes" };

export function changesSection(ctx) {
  const list = h("ul", { class: "items" });
  const more = h("div");
  const slot = h("div");
  const ask = h("div");
  const types = api(`${ctx.path}/change-request-types`).then((found) => found.items).catch(() => []);

  async function page(cursor) {
    const query = new URLSearchParams({ limit: "20" });
    if (cursor) query.set("cursor", cursor);
    const found = await api(`${ctx.path}/change-requests?${query}`);
    const known = await types;
    if (!cursor && !found.items.length) list.replaceChildren(h("li", {}, empty("No change requests on this deal.")));
    list.append(...found.items.map((cr) => changeItem(ctx, cr, known)));
    more.replaceChildren();
    if (found.next_cursor) {
      const button = h("button", { type: "button", onclick: () => act(button, slot, () => page(found.next_cursor)) }, "Show older change requests");
      more.append(button);
    }
  }
  page(null).catch(() => list.replaceChildren(h("li", {}, "Change requests could not be loaded; reload the page.")));
  types.then((known) => { if (known.length && !ctx.deal.terminal) ask.replaceChildren(askForm(ctx, known)); });
  return h("section", { class: "card", "aria-labelledby": "changes-h" },
    h("h2", { id: "changes-h" }, "Change requests"), list, more, ask, slot);
}

// A form built from the type's JSON Schema (the same schema the API validates the fields with).
function fieldsForm(schema, values = {}, prefix = "") {
  const required = new Set(schema.required || []);
  const controls = {};
  const parts = Object.entries(schema.properties || {}).map(([name, prop]) => {
    const p = prop.anyOf ? prop.anyOf.find((x) => x.type !== "null") : prop;
    const label = `${prefix}${p.title || prop.title || words(name)}${required.has(name) ? "" : " (optional)"}`;
    const value = values[name] ?? "";
    let control;
    if (p.enum) {
      control = h("select", { required: required.has(name) },
        required.has(name) ? null : h("option", { value: "" }, "—"),
        p.enum.map((v) => h("option", { value: v, selected: v === value }, words(v))));
    } else if (p.type === "integer") {
      control = h("input", { type: "number", inputmode: "numeric", min: p.minimum ?? "0", step: "1", value, required: required.has(name) });
    } else if (p.format === "date") {
      control = h("input", { type: "date", value, required: required.has(name) });
    } else if (name === "email") {
      control = h("input", { type: "email", autocomplete: "off", value, required: required.has(name) });
    } else if ((p.maxLength || 0) > 200) {
      control = h("textarea", { rows: "3", maxlength: String(p.maxLength), required: required.has(name) }, String(value));
    } else {
      control = h("input", { type: "text", maxlength: p.maxLength ? String(p.maxLength) : null, value, required: required.has(name) });
    }
    controls[name] = { control, integer: p.type === "integer" };
    return field(label, control);
  });
  function read() {
    const out = {};
    for (const [name, { control, integer }] of Object.entries(controls)) {
      const raw = control.value.trim();
      if (!raw) continue;
      out[name] = integer ? Number(raw) : raw;
    }
    return out;
  }
  return { parts, read };
}

function askForm(ctx, known) {
  const slot = h("div");
  const fieldsBox = h("div");
  const description = h("p", { class: "hint", id: uid("type-hint") });
  const type = h("select", { "aria-describedby": description.id }, known.map((t) => h("option", { value: t.type }, t.label)));
  const comment = h("textarea", { rows: "2", maxlength: "2000" });
  const button = h("button", { type: "submit", class: "primary" }, "Send the request");
  let current = null;
  function show() {
    const chosen = known.find((t) => t.type === type.value);
    current = fieldsForm(chosen.fields_schema);
    description.textContent = `${chosen.description}. Decided within ${chosen.sla_hours} hours.`;
    fieldsBox.replaceChildren(...current.parts);
  }
  type.addEventListener("change", show);
  show();
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    const body = { type: type.value, fields: current.read() };
    if (comment.value.trim()) body.comment = comment.value.trim();
    act(button, slot, () => api(`${ctx.path}/change-requests`, { method: "POST", body, idempotent: true })
      .then(() => ctx.reload("Your change request was sent.")));
  } },
  field("What would you like to change?", type), description, fieldsBox,
  field("Anything else the approvers should know (optional)", comment), button);
  return h("details", {}, h("summary", {}, "Ask for a change"), form, slot);
}

function who(ctx, userId, fallback) {
  if (userId === ctx.me.id) return "you";
  return ctx.deal.parties.find((p) => p.user_id === userId)?.name || fallback;
}

function value(v) {
  if (typeof v === "number") return new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(v);
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return day(v);
  return words(v);
}

function effectWords(e) {
  switch (e.effect) {
    case "key_date_moved": return `The ${words(e.key_date)} date moved from ${e.from ? day(e.from) : "no date"} to ${day(e.to)}.`;
    case "price_set": return `The price is now ${value(e.to)}.`;
    case "document_requested": return `${e.label} was requested.`;
    case "task_added": return `A task was added: ${e.title}.`;
    case "party_added": return `A ${words(e.role)} was added to the deal.`;
    case "party_removed": return `A ${words(e.role)} was removed from the deal.`;
    case "redated": return `${e.title || e.label || "An item"} is now due ${e.to ? day(String(e.to).slice(0, 10)) : "later"}.`;
    default: return words(e.effect);
  }
}

function waitingWords(ctx, cr) {
  return cr.waiting_on.map((w) => {
    if (w.role === "submitter") return `${who(ctx, cr.submitted_by.user_id, cr.submitted_by.name)} (to change and resend it)`;
    const names = w.user_ids.map((id) => who(ctx, id, null)).filter(Boolean);
    return names.length ? `${names.join(", ")} (${words(w.role)})` : `the ${words(w.role)}`;
  }).join("; ");
}

function canDecide(ctx, cr) {
  if (cr.status !== "submitted" || cr.submitted_by.user_id === ctx.me.id) return false;
  const roles = (ctx.me.staff || []).filter((s) => s.org_id === ctx.deal.org_id).map((s) => s.role);
  return cr.waiting_on.some((w) => w.user_ids.includes(ctx.me.id)
    || (w.role === "coordinator" && (roles.includes("coordinator") || roles.includes("admin")))
    || (w.role === "admin" && roles.includes("admin")));
}

function changeItem(ctx, cr, known) {
  const slot = h("div");
  const mine = cr.submitted_by.user_id === ctx.me.id;
  const open = cr.status === "submitted" || cr.status === "changes_requested";
  const asked = Object.entries(cr.fields || {});
  const actions = [];
  const base = `${ctx.path}/change-requests/${encodeURIComponent(cr.id)}`;
  if (canDecide(ctx, cr)) actions.push(decideForm(ctx, cr, base, slot));
  if (mine && cr.status === "changes_requested") {
    const type = known.find((t) => t.type === cr.type);
    if (type) actions.push(resubmitForm(ctx, cr, type, base, slot));
  }
  const roles = (ctx.me.staff || []).filter((s) => s.org_id === ctx.deal.org_id).map((s) => s.role);
  if (open && (mine || roles.includes("admin") || roles.includes("coordinator"))) {
    const withdraw = h("button", { type: "button", onclick: () => act(withdraw, slot,
      () => api(`${base}/withdraw`, { method: "POST" }).then(() => ctx.reload(`${cr.label} withdrawn.`))) }, `Withdraw the ${cr.label.toLowerCase()}`);
    actions.push(withdraw);
  }
  return h("li", { class: "item change-request", dataset: { changeRequest: cr.id } },
    h("div", { class: "item-head" }, h("strong", {}, cr.label), " ", badge(cr.status),
      cr.visibility === "restricted" ? h("span", { class: "badge badge-internal" }, "restricted") : null),
    h("p", { class: "cr-status" }, STATUS_WORDS[cr.status] || words(cr.status)),
    h("p", { class: "hint" }, `Asked by ${who(ctx, cr.submitted_by.user_id, cr.submitted_by.name)} · ${when(cr.submitted_at, ctx.zone)}`,
      cr.round > 1 ? ` · round ${cr.round}` : ""),
    asked.length ? h("dl", { class: "dates" }, asked.map(([k, v]) => [h("dt", {}, words(k)), h("dd", {}, value(v))])) : null,
    cr.comment ? h("p", {}, `“${cr.comment}”`) : null,
    cr.status === "submitted" || cr.status === "changes_requested"
      ? h("p", {}, h("strong", {}, "Waiting on: "), waitingWords(ctx, cr) || "nobody",
        cr.status === "submitted" ? ` · decision due ${when(cr.due_at, ctx.zone)}` : "")
      : null,
    cr.decisions.length ? h("ul", { class: "history", "aria-label": `Decisions on the ${cr.label.toLowerCase()}` }, cr.decisions.map((d) =>
      h("li", {}, `${d.by === ctx.me.id ? "You" : d.name} (${words(d.role)}) ${DECISION_WORDS[d.decision] || words(d.decision)}`,
        h("span", { class: "hint" }, ` · ${when(d.at, ctx.zone)}`), d.comment ? `: “${d.comment}”` : ""))) : null,
    cr.effects?.length ? h("ul", { "aria-label": "What changed on the deal" }, cr.effects.map((e) => h("li", {}, effectWords(e)))) : null,
    actions.length ? h("div", { class: "actions" }, actions) : null,
    slot);
}

function decideForm(ctx, cr, base, slot) {
  const comment = h("textarea", { rows: "2", maxlength: "2000" });
  const note = h("div");
  const decide = (button, decision, said) => {
    const text = comment.value.trim();
    note.replaceChildren();
    if (decision !== "approve" && !text) {
      note.replaceChildren(h("p", { class: "error", role: "alert" }, "Say why in the comment: the person who asked reads it. Then press the button again."));
      comment.focus();
      return;
    }
    const body = { decision };
    if (text) body.comment = text;
    act(button, slot, () => api(`${base}/decisions`, { method: "POST", body }).then(() => ctx.reload(said)));
  };
  const approve = h("button", { type: "button", class: "primary", onclick: () => decide(approve, "approve", `${cr.label} approved.`) }, "Approve");
  const changes = h("button", { type: "button", onclick: () => decide(changes, "request_changes", `Changes asked for on the ${cr.label.toLowerCase()}.`) }, "Ask for changes");
  const reject = h("button", { type: "button", class: "danger", onclick: () => decide(reject, "reject", `${cr.label} rejected.`) }, "Reject");
  return h("div", { class: "decide" },
    field(`Comment on the ${cr.label.toLowerCase()}`, comment, "Required to reject or ask for changes; optional to approve."),
    h("div", { class: "actions" }, approve, changes, reject), note);
}

function resubmitForm(ctx, cr, type, base, slot) {
  const form = fieldsForm(type.fields_schema, cr.fields);
  const comment = h("textarea", { rows: "2", maxlength: "2000" });
  const button = h("button", { type: "submit", class: "primary" }, "Send it again");
  return h("details", { open: true }, h("summary", {}, `Change and resend the ${cr.label.toLowerCase()}`),
    h("form", { onsubmit: (event) => {
      event.preventDefault();
      const body = { fields: form.read() };
      if (comment.value.trim()) body.comment = comment.value.trim();
      act(button, slot, () => api(`${base}/resubmissions`, { method: "POST", body }).then(() => ctx.reload(`${cr.label} sent again.`)));
    } }, form.parts, field("What you changed (optional)", comment), button));
}
