// What the org sent each person on the deal, and resending one from the list (admins and coordinators:
// GET /v1/admin/users/{user_id}/notifications, then POST /v1/admin/notifications/{id}/resend).
import { api } from "../lib/api.js";
import { h, words, when, field } from "../lib/dom.js";
import { act, badge, empty } from "../lib/ui.js";

const CHANNELS = [["email", "Email"], ["sms", "Text message (SMS)"], ["in_app", "In the portal"]];

export function notificationsSection(ctx) {
  const { deal } = ctx;
  const people = deal.parties.filter((p) => p.user_id && p.user_id !== ctx.me.id);
  const person = h("select", {}, people.map((p) => h("option", { value: p.user_id }, `${p.name} (${words(p.role)})`)));
  const channel = h("select", {}, CHANNELS.map(([v, label]) => h("option", { value: v }, label)));
  const list = h("ul", { class: "items", "aria-live": "polite" });
  const more = h("div");
  const slot = h("div");
  const button = h("button", { type: "submit" }, "Show notifications");

  async function page(cursor) {
    const query = new URLSearchParams({ org_id: deal.org_id, deal_id: deal.id, channel: channel.value, limit: "10" });
    if (cursor) query.set("cursor", cursor);
    const found = await api(`/v1/admin/users/${encodeURIComponent(person.value)}/notifications?${query}`);
    if (!cursor) list.replaceChildren();
    const chosen = person.selectedOptions[0]?.textContent || "them";
    if (!cursor && !found.items.length) list.append(h("li", {}, empty(`Nothing sent to ${chosen} on this channel about this deal.`)));
    list.append(...found.items.map((n) => item(ctx, n, slot)));
    more.replaceChildren();
    if (found.next_cursor) {
      const older = h("button", { type: "button", onclick: () => act(older, slot, () => page(found.next_cursor)) }, "Show older notifications");
      more.append(older);
    }
  }
  const form = h("form", { class: "inline", onsubmit: (event) => {
    event.preventDefault();
    act(button, slot, () => page(null));
  } }, field("Person", person), field("Channel", channel), button);
  return h("section", { class: "card", "aria-labelledby": "sent-h" },
    h("h2", { id: "sent-h" }, "Notifications sent"),
    h("p", { class: "hint" }, "What this deal's updates sent each person, newest first. Resend one if it never arrived."),
    people.length ? form : empty("Nobody else is on this deal."), list, more, slot);
}

function item(ctx, n, slot) {
  const reason = h("input", { type: "text", maxlength: "1000" });
  const resend = h("button", { type: "submit" }, "Resend");
  const result = h("p", { class: "hint" });
  const what = n.subject || n.text;
  const form = h("form", { class: "inline", onsubmit: (event) => {
    event.preventDefault();
    const body = reason.value.trim() ? { reason: reason.value.trim() } : undefined;
    act(resend, slot, async () => {
      const fresh = await api(`/v1/admin/notifications/${encodeURIComponent(n.id)}/resend`, { method: "POST", body });
      result.replaceChildren(`Sent again: ${words(fresh.state)}${fresh.reason ? ` (${words(fresh.reason)})` : ""}.`);
    }, `Resent “${what}”.`);
  } }, field(`Reason for resending “${what}” (optional)`, reason), resend);
  return h("li", { class: "item" },
    h("div", { class: "item-head" }, h("strong", {}, what), " ", badge(n.state),
      n.resent_from ? h("span", { class: "badge" }, "a resend") : null),
    h("p", { class: "hint" }, `${when(n.created_at, ctx.zone)}${n.sent_at ? ` · sent ${when(n.sent_at, ctx.zone)}` : ""}${n.reason ? ` · ${words(n.reason)}` : ""}`),
    form, result);
}
