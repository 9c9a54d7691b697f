// The org's open change requests, oldest first (GET /v1/admin/change-requests): what waits on whom, and
// which are past their decision time. Deciding happens on the deal, where the request is shown in full.
import { api } from "../lib/api.js";
import { h, replace, link, when } from "../lib/dom.js";
import { errorBox, pageHeading, empty, badge } from "../lib/ui.js";

export default async function changes(main) {
  const list = h("ul", { class: "items" });
  const more = h("div");
  replace(main, pageHeading("Change requests", "Open requests of your organisation, oldest first."), list, more);
  await page(null);

  async function page(cursor) {
    try {
      const query = new URLSearchParams({ limit: "25" });
      if (cursor) query.set("cursor", cursor);
      const found = await api(`/v1/admin/change-requests?${query}`);
      if (!cursor && !found.items.length) list.replaceWith(empty("No change request is waiting for a decision."));
      list.append(...found.items.map((cr) => h("li", { class: "item" },
        h("div", { class: "item-head" }, h("strong", {}, cr.label), " ", badge(cr.status),
          cr.overdue ? h("span", { class: "badge badge-rejected" }, "past its decision time") : null),
        h("p", { class: "hint" }, `${cr.workflow} · asked ${when(cr.submitted_at)} · decision due ${when(cr.due_at)}${cr.round > 1 ? ` · round ${cr.round}` : ""}`),
        link(`/deals/${encodeURIComponent(cr.deal_id)}`, `Open the deal to decide on this ${cr.label.toLowerCase()}`))));
      more.replaceChildren(found.next_cursor ? h("button", { type: "button", onclick: () => page(found.next_cursor) }, "Show more") : "");
    } catch (error) {
      more.replaceChildren(errorBox(error));
    }
  }
}
