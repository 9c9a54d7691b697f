// One lead: what the person sent, its near-duplicates, and its moves (new → contacted → qualified →
// converted | disqualified). Disqualifying needs a reason, asked for before anything is sent. Converting
// opens the scenario's deal; converting again answers the same deal.
import { api } from "../lib/api.js";
import { h, replace, link, words, when, ago, field, announce } from "../lib/dom.js";
import { act, errorBox, pageHeading, badge, empty } from "../lib/ui.js";
import { whoAmI } from "../app.js";
import { ownerWords } from "./leads.js";

const REASONS = { similar_email: "a very similar email address", similar_name_same_property: "a similar name on the same property" };

export default async function leadPage(main, { args: [leadId] }) {
  const me = await whoAmI();
  const path = `/v1/admin/leads/${encodeURIComponent(leadId)}`;

  async function draw(message, problem) {
    const lead = await api(path);
    const slot = h("div", {}, problem ? errorBox(problem) : null);
    replace(main,
      pageHeading(lead.contact_name, `${words(lead.scenario)} · received ${when(lead.created_at)} (${ago(lead.created_at)})`),
      h("p", {}, "Status: ", badge(lead.status), lead.disqualify_reason ? ` — ${lead.disqualify_reason}` : ""),
      lead.deal_id ? h("p", { class: "notice" }, "This lead is converted. ", link(`/deals/${encodeURIComponent(lead.deal_id)}`, "Open its deal")) : null,
      actions(lead, slot),
      slot,
      facts(lead, me),
      answers(lead),
      await candidates(lead));
    if (message) announce(message);
    if (problem) slot.querySelector("[role=alert]")?.focus?.();
  }

  // A move sent with the version read; a 412 (someone moved it meanwhile) redraws the latest and says so.
  function send(button, slot, call, said) {
    return act(button, slot, async () => {
      try {
        await call();
      } catch (error) {
        if (error.status === 412) return draw(null, error);
        throw error;
      }
      return draw(said);
    });
  }

  function actions(lead, slot) {
    if (lead.status === "converted" || lead.status === "disqualified") return null;
    const move = (status, label, said) => {
      const button = h("button", { type: "button", onclick: () => send(button, slot,
        () => api(`${path}/status`, { method: "POST", body: { status }, version: lead.version }), said) }, label);
      return button;
    };
    const buttons = [];
    if (lead.status === "new") buttons.push(move("contacted", "Mark contacted", "The lead is marked contacted."));
    if (lead.status === "new" || lead.status === "contacted") buttons.push(move("qualified", "Mark qualified", "The lead is marked qualified."));

    const title = h("input", { type: "text", maxlength: "200" });
    const convertButton = h("button", { type: "submit", class: "primary" }, "Convert to a deal");
    const convert = h("form", { class: "inline", onsubmit: (event) => {
      event.preventDefault();
      const body = title.value.trim() ? { title: title.value.trim() } : {};
      send(convertButton, slot, () => api(`${path}/convert`, { method: "POST", body }),
        "The lead is converted: its deal is open.");
    } }, h("h3", {}, "Convert"),
    h("p", { class: "hint" }, lead.property_id
      ? "Opens the deal for this scenario, with the person invited as the client and the routed agent on it."
      : "This lead has no property yet; a deal can be opened once it has one."),
    lead.property_id ? [field("Deal title (optional)", title, `Left empty: “${lead.contact_name} — ${words(lead.scenario)}”.`), convertButton] : null);

    const reason = h("textarea", { rows: "2", maxlength: "1000" });
    const reasonNote = h("p", { class: "field-error", hidden: true }, "Say why in the reason before disqualifying.");
    const disqualifyButton = h("button", { type: "submit", class: "danger" }, "Disqualify");
    const disqualify = h("form", { class: "inline", onsubmit: (event) => {
      event.preventDefault();
      if (!reason.value.trim()) {
        reasonNote.hidden = false;
        reason.setAttribute("aria-invalid", "true");
        reason.focus();
        return;
      }
      reasonNote.hidden = true;
      send(disqualifyButton, slot, () => api(`${path}/status`, { method: "POST", body: { status: "disqualified", reason: reason.value.trim() }, version: lead.version }),
        "The lead is disqualified.");
    } }, h("h3", {}, "Disqualify"), field("Reason", reason, "Required: the team reads it later."), reasonNote, disqualifyButton);
    return h("section", { class: "card", "aria-labelledby": "lead-act-h" }, h("h2", { id: "lead-act-h" }, "Next step"),
      buttons.length ? h("div", { class: "actions" }, buttons) : null, convert, disqualify);
  }

  await draw();
}

function facts(lead, me) {
  const rows = [
    ["Routed to", ownerWords(lead, me)],
    ["Contact", link(`/staff/contacts/${encodeURIComponent(lead.contact_id)}`, lead.contact_name)],
    ["Property", lead.property_id ? link(`/staff/properties/${encodeURIComponent(lead.property_id)}`, "Open the property record") : "none given"],
    ["Source", lead.source === "crm" ? `${lead.source_name || "a CRM"}${lead.external_id ? ` (${lead.external_id})` : ""}` : "the public form"],
    ["Sent", `${lead.submissions} time${lead.submissions === 1 ? "" : "s"}`],
    lead.contacted_at ? ["Contacted", when(lead.contacted_at)] : null,
  ].filter(Boolean);
  return h("section", { class: "card", "aria-labelledby": "lead-facts-h" }, h("h2", { id: "lead-facts-h" }, "About this lead"),
    h("dl", { class: "dates" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    lead.linked_deal_ids.length
      ? [h("h3", {}, "Deals from this person's earlier requests"),
        h("ul", {}, lead.linked_deal_ids.map((id) => h("li", {}, link(`/deals/${encodeURIComponent(id)}`, `Deal ${id}`))))]
      : null);
}

function answers(lead) {
  const found = Object.entries(lead.answers || {});
  return h("section", { class: "card", "aria-labelledby": "lead-answers-h" }, h("h2", { id: "lead-answers-h" }, "What they told us"),
    found.length
      ? h("dl", { class: "dates" }, found.map(([k, v]) => [h("dt", {}, words(k)), h("dd", {}, answerWords(v))]))
      : empty("No answers beyond the contact details."));
}

function answerWords(v) {
  if (v === true) return "yes";
  if (v === false) return "no";
  if (typeof v === "number") return new Intl.NumberFormat().format(v);
  return String(v);
}

async function candidates(lead) {
  const names = await Promise.all(lead.candidates.map((c) => api(`/v1/contacts/${encodeURIComponent(c.id)}`)
    .then((found) => `${found.name}${found.email ? ` (${found.email})` : ""}`, () => `Contact ${c.id}`)));
  return h("section", { class: "card", "aria-labelledby": "lead-dup-h" }, h("h2", { id: "lead-dup-h" }, "Possible duplicates"),
    lead.candidates.length
      ? [h("p", { class: "hint" }, "Flagged, never merged on their own: open a contact to compare, and merge it there."),
        h("ul", {}, lead.candidates.map((c, i) => h("li", {},
          link(`/staff/contacts/${encodeURIComponent(c.id)}`, names[i]),
          ` — ${REASONS[c.reason] || words(c.reason)} (match ${Math.round(c.score)}%)`)))]
      : empty("No similar contact was found."));
}
