// My updates: the in-app feed; opening one marks it read and goes to its deal.
import { api } from "../lib/api.js";
import { h, replace, when } from "../lib/dom.js";
import { errorBox, pageHeading, empty } from "../lib/ui.js";

export default async function notifications(main, { navigate }) {
  const list = h("ul", { class: "items" });
  const more = h("div");
  replace(main, pageHeading("Updates"), list, more);
  await page(null);

  async function page(cursor) {
    try {
      const found = await api(`/v1/notifications?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      if (!cursor && !found.items.length) list.replaceWith(empty("No updates yet."));
      list.append(...found.items.map((n) => item(n, navigate)));
      more.replaceChildren(found.next_cursor ? h("button", { type: "button", onclick: () => page(found.next_cursor) }, "Show older updates") : "");
    } catch (error) {
      more.replaceChildren(errorBox(error));
    }
  }
}

function item(n, navigate) {
  const target = n.deal_id ? `/deals/${encodeURIComponent(n.deal_id)}` : null;
  const open = h("button", { type: "button", class: "link-button", onclick: async () => {
    if (!n.read) await api(`/v1/notifications/${encodeURIComponent(n.id)}/read`, { method: "POST" }).catch(() => null);
    if (target) navigate(target);
  } }, n.subject);
  return h("li", { class: n.read ? "item" : "item unread" },
    h("div", { class: "item-head" }, n.read ? null : h("span", { class: "badge badge-new" }, "new"), " ", open),
    h("p", {}, n.text), h("p", { class: "hint" }, `${when(n.created_at)} · ref ${n.id}`));
}
