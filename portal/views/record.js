// A contact's page or a property record's page (docs/INTAKE.md): what is known, the deals, and, for
// admins and coordinators, merging a duplicate (choose which record stays, then confirm) and undoing a
// merge within 30 days.
import { api } from "../lib/api.js";
import { h, replace, link, words, when, field, announce, uid } from "../lib/dom.js";
import { act, pageHeading, empty } from "../lib/ui.js";
import { whoAmI, isStaff } from "../app.js";
import { addressWords, contactWords } from "./contacts.js";

const UNDO_DAYS = 30;

const KINDS = {
  contact: {
    read: (id) => `/v1/contacts/${encodeURIComponent(id)}`,
    admin: (id) => `/v1/admin/contacts/${encodeURIComponent(id)}`,
    page: (id) => `/staff/contacts/${encodeURIComponent(id)}`,
    title: (c) => c.name,
    describe: (c) => `${c.name}${contactWords(c) ? ` (${contactWords(c)})` : ""}`,
    search: (text) => `/v1/contacts?${new URLSearchParams(text.includes("@") ? { email: text } : { name: text })}`,
    searchLabel: "Find the other contact by name or email",
    noun: "contact",
    keys: "its email and phone find the one that stays",
  },
  property: {
    read: (id) => `/v1/properties/${encodeURIComponent(id)}`,
    admin: (id) => `/v1/admin/properties/${encodeURIComponent(id)}`,
    page: (id) => `/staff/properties/${encodeURIComponent(id)}`,
    title: (p) => addressWords(p),
    describe: (p) => addressWords(p),
    search: (text) => `/v1/properties?${new URLSearchParams({ address: text })}`,
    searchLabel: "Find the other record by street address",
    noun: "property record",
    keys: "its address finds the one that stays",
  },
};

export default async function recordPage(main, { args: [id], options }) {
  const kind = KINDS[options.view];
  const me = await whoAmI();
  const ops = isStaff(me);

  async function draw(message) {
    const record = await api(kind.read(id));
    replace(main,
      pageHeading(kind.title(record), options.view === "contact" ? "Contact" : "Property record"),
      record.merged_into ? mergedNotice(record) : null,
      options.view === "contact" ? await contactFacts(record) : propertyFacts(record),
      ops && !record.merged_into ? mergeSection(record) : null);
    if (message) announce(message);
  }

  function mergedNotice(record) {
    const slot = h("div");
    const since = (Date.now() - new Date(record.merged_at).getTime()) / 86400000;
    const reason = h("input", { type: "text", maxlength: "500", required: true });
    const button = h("button", { type: "submit" }, "Undo the merge");
    const undo = ops && since <= UNDO_DAYS ? h("form", { class: "inline", onsubmit: (event) => {
      event.preventDefault();
      act(button, slot, () => api(`${kind.admin(record.id)}/unmerge`, { method: "POST", body: { reason: reason.value.trim() } })
        .then(() => draw(`The merge is undone: this ${kind.noun} is on its own again.`)));
    } }, field("Why undo it", reason), button) : null;
    return h("div", { class: "notice", role: "note" },
      h("p", {}, `This ${kind.noun} was merged into `, link(kind.page(record.merged_into), `another ${kind.noun}`), ` on ${when(record.merged_at)}.`),
      since > UNDO_DAYS ? h("p", {}, `The ${UNDO_DAYS} days in which a merge can be undone have passed.`) : null,
      undo, slot);
  }

  // Merge: find the other record, choose which one stays, give a reason, then confirm before sending.
  function mergeSection(record) {
    const slot = h("div");
    const confirmSlot = h("div");
    const text = h("input", { type: "search", maxlength: "200" });
    const other = h("select", { disabled: true }, h("option", { value: "" }, "Search first"));
    const group = uid("stays");
    const keepThis = h("input", { type: "radio", name: group, value: "this", checked: true, id: uid("r") });
    const keepOther = h("input", { type: "radio", name: group, value: "other", id: uid("r") });
    const reason = h("input", { type: "text", maxlength: "500" });
    const find = h("button", { type: "button", onclick: () => act(find, slot, async () => {
      const found = (await api(kind.search(text.value.trim()))).items.filter((r) => r.id !== record.id);
      other.replaceChildren(...(found.length
        ? found.map((r) => h("option", { value: r.id }, kind.describe(r)))
        : [h("option", { value: "" }, "Nothing found")]));
      other.disabled = !found.length;
    }) }, "Find");
    const button = h("button", { type: "submit" }, "Merge…");
    const form = h("form", { onsubmit: (event) => {
      event.preventDefault();
      confirmSlot.replaceChildren();
      slot.replaceChildren();
      if (!other.value || !reason.value.trim()) {
        slot.append(h("p", { class: "field-error", role: "alert" }, !other.value ? `Choose the other ${kind.noun} first.` : "Say why in the reason."));
        return;
      }
      const otherName = other.selectedOptions[0].textContent;
      const [duplicate, survivor, goneName, stayName] = keepThis.checked
        ? [other.value, record.id, otherName, kind.describe(record)]
        : [record.id, other.value, kind.describe(record), otherName];
      const yes = h("button", { type: "button", class: "danger", onclick: () => act(yes, slot,
        () => api(`${kind.admin(duplicate)}/merge`, { method: "POST", body: { into: survivor, reason: reason.value.trim() } })
          .then(() => draw(`Merged. “${goneName}” now points to “${stayName}”; you can undo it within ${UNDO_DAYS} days.`))) }, "Yes, merge them");
      const no = h("button", { type: "button", onclick: () => { confirmSlot.replaceChildren(); button.focus(); } }, "Cancel");
      confirmSlot.append(h("div", { class: "confirm", role: "group", "aria-label": "Confirm the merge" },
        h("p", {}, `Merge “${goneName}” into “${stayName}”? The first leaves the lists and searches, and ${kind.keys}. Nothing is deleted; it can be undone within ${UNDO_DAYS} days.`),
        h("div", { class: "actions" }, yes, no)));
      yes.focus();
    } },
    h("div", { class: "search-row" }, field(kind.searchLabel, text), find),
    field(`The other ${kind.noun}`, other),
    h("fieldset", {}, h("legend", {}, "Which one stays?"),
      h("label", { class: "check", for: keepThis.id }, keepThis, ` This one (${kind.title(record)})`),
      h("label", { class: "check", for: keepOther.id }, keepOther, " The other one")),
    field("Reason", reason, "Required: it is kept in the activity log."),
    button);
    return h("section", { class: "card", "aria-labelledby": "merge-h" }, h("h2", { id: "merge-h" }, "Merge a duplicate"),
      h("p", { class: "hint" }, `When the same ${kind.noun} was entered twice.`), form, confirmSlot, slot);
  }

  await draw();
}

async function contactFacts(c) {
  const rows = [
    ["Email", c.email || "none"], ["Phone", c.phone || "none"],
    c.company ? ["Company", c.company] : null,
    c.preferred_channel ? ["Prefers", words(c.preferred_channel)] : null,
    c.roles?.length ? ["Roles", c.roles.map(words).join(", ")] : null,
    c.source ? ["Came from", words(c.source)] : null,
    c.created_at ? ["Known since", when(c.created_at)] : null,
    c.open_lead_id ? ["Open lead", link(`/staff/leads/${encodeURIComponent(c.open_lead_id)}`, "Open the lead")] : null,
  ].filter(Boolean);
  const deals = await Promise.all((c.deal_ids || []).map((id) => api(`/v1/deals/${encodeURIComponent(id)}`).then((d) => d.title, () => `Deal ${id}`)
    .then((title) => h("li", {}, link(`/deals/${encodeURIComponent(id)}`, title)))));
  return [
    h("section", { class: "card", "aria-labelledby": "facts-h" }, h("h2", { id: "facts-h" }, "Details"),
      h("dl", { class: "dates" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))),
    h("section", { class: "card", "aria-labelledby": "deals-h" }, h("h2", { id: "deals-h" }, "Deals"),
      deals.length ? h("ul", {}, deals) : empty("No deal yet.")),
  ];
}

function propertyFacts(p) {
  const rows = [
    ["Address", addressWords(p)],
    ["APN", p.apn || "none"], ["MLS id", p.mls_id || "none"],
    ["Owner account", p.owner_account_id ? link(`/staff/accounts/${encodeURIComponent(p.owner_account_id)}`, "Open the account") : "none"],
    ["Recorded", when(p.created_at)],
  ];
  return h("section", { class: "card", "aria-labelledby": "facts-h" }, h("h2", { id: "facts-h" }, "Details"),
    h("dl", { class: "dates" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("p", { class: "hint" }, "The API does not list a property record's deals yet; a deal links to its record."));
}
