// My deals: newest activity first, paged with the API's cursor.
import { api } from "../lib/api.js";
import { h, replace, link, when } from "../lib/dom.js";
import { errorBox, pageHeading, empty } from "../lib/ui.js";

export default async function deals(main) {
  const list = h("ul", { class: "cards" });
  const more = h("div");
  replace(main, pageHeading("My deals"), list, more);
  await page(null);

  async function page(cursor) {
    more.replaceChildren();
    try {
      const query = new URLSearchParams({ limit: "20" });
      if (cursor) query.set("cursor", cursor);
      const found = await api(`/v1/deals?${query}`);
      if (!cursor && found.items.length === 0) list.replaceWith(empty("You have no deals yet. When you are invited to one, it shows up here."));
      for (const deal of found.items) list.append(card(deal));
      if (found.next_cursor) {
        more.append(h("button", { type: "button", onclick: () => page(found.next_cursor) }, "Show more deals"));
      }
    } catch (error) {
      more.replaceChildren(errorBox(error));
    }
  }
}

function card(deal) {
  const address = deal.property?.address;
  return h("li", { class: "card deal-card" },
    h("h2", {}, link(`/deals/${encodeURIComponent(deal.id)}`, deal.title)),
    h("p", {}, h("span", { class: "stage" }, deal.stage_label), " · ", deal.workflow),
    address ? h("p", { class: "hint" }, `${address.line1}${deal.property.unit ? ` #${deal.property.unit}` : ""}, ${address.city}`) : null,
    h("p", { class: "hint" }, `Last update ${when(deal.last_activity_at)}`));
}
