// The lead queue (GET /v1/admin/leads, docs/INTAKE.md): oldest first within a status, filtered by status
// and owner. Admins and coordinators see the org's queue; an agent sees the leads routed to them.
import { api } from "../lib/api.js";
import { h, replace, link, words, ago, when, field } from "../lib/dom.js";
import { errorBox, pageHeading, empty, badge } from "../lib/ui.js";
import { whoAmI, isStaff } from "../app.js";

export const LEAD_STATUSES = ["new", "contacted", "qualified", "converted", "disqualified"];

export function ownerWords(lead, me) {
  if (!lead.owner_user_id) return "not routed to anyone yet";
  return lead.owner_user_id === me.id ? "you" : "a colleague";  // the API gives the id only (docs/PORTAL.md)
}

export default async function leads(main) {
  const me = await whoAmI();
  const ops = isStaff(me);  // an agent's queue is their own leads
  const params = new URLSearchParams(location.search);
  const status = h("select", { name: "status" },
    h("option", { value: "" }, "Any status"),
    LEAD_STATUSES.map((s) => h("option", { value: s, selected: s === (params.get("status") ?? "new") }, words(s))));
  const owner = h("select", { name: "owner" },
    h("option", { value: "" }, ops ? "Anyone" : "Me"),
    ops ? h("option", { value: me.id, selected: params.get("owner") === me.id }, "Me") : null);
  const list = h("ul", { class: "items" });
  const more = h("div");
  const filters = h("form", { class: "filters", onsubmit: (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    query.set("status", status.value);
    if (owner.value) query.set("owner", owner.value);
    history.replaceState(null, "", `/staff/leads?${query}`);
    list.replaceChildren();
    page(null);
  } }, field("Status", status), field("Routed to", owner), h("button", { type: "submit" }, "Show leads"));
  replace(main, pageHeading("Leads", ops ? "Your organisation's leads, oldest first within a status." : "The leads routed to you, oldest first."),
    filters, h("div", { "aria-live": "polite" }, list), more);
  await page(null);

  async function page(cursor) {
    try {
      const query = new URLSearchParams({ limit: "25" });
      if (status.value) query.set("status", status.value);
      if (owner.value) query.set("owner", owner.value);
      if (cursor) query.set("cursor", cursor);
      const found = await api(`/v1/admin/leads?${query}`);
      if (!cursor && !found.items.length) list.append(h("li", {}, empty("No lead matches these filters.")));
      list.append(...found.items.map((lead) => h("li", { class: "item lead" },
        h("div", { class: "item-head" }, link(`/staff/leads/${encodeURIComponent(lead.id)}`, lead.contact_name), " ", badge(lead.status),
          lead.candidates.length ? h("span", { class: "badge badge-submitted" }, "possible duplicate") : null),
        h("p", { class: "hint" }, `${words(lead.scenario)} · routed to ${ownerWords(lead, me)} · received ${ago(lead.created_at)}`,
          h("span", { class: "visually-hidden" }, ` (${when(lead.created_at)})`),
          lead.submissions > 1 ? ` · sent ${lead.submissions} times` : "",
          lead.source === "crm" ? ` · from ${lead.source_name || "a CRM"}` : ""))));
      more.replaceChildren(found.next_cursor ? h("button", { type: "button", onclick: () => page(found.next_cursor) }, "Show more") : "");
    } catch (error) {
      more.replaceChildren(errorBox(error));
    }
  }
}
