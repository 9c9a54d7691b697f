// Messages (and internal notes for the deal team) and the people on the deal: invite, revoke, resend.
import { api } from "../lib/api.js";
import { h, words, when, field } from "../lib/dom.js";
import { act, badge, empty } from "../lib/ui.js";

const ROLES = ["client", "co_client", "agent", "coordinator", "vendor", "lender", "title", "attorney"];

export function messagesSection(ctx) {
  const list = h("ol", { class: "messages" });
  const slot = h("div");
  const body = h("textarea", { name: "body", rows: "3", required: true, maxlength: "4000" });
  const internal = ctx.staff ? h("input", { type: "checkbox", name: "internal" }) : null;
  const button = h("button", { type: "submit", class: "primary" }, "Send");
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    const sent = { body: body.value.trim() };
    if (internal?.checked) sent.visibility = "internal";
    act(button, slot, async () => {
      await api(`${ctx.path}/messages`, { method: "POST", body: sent, idempotent: true });
      body.value = "";
      await load();
    }, sent.visibility ? "Internal note saved." : "Message sent.");
  } },
  field("Write a message", body, ctx.staff ? "Everyone on the deal sees messages; internal notes only staff." : "Everyone on the deal team sees it."),
  internal ? h("label", { class: "check" }, internal, " Internal note (staff only)") : null,
  button);

  async function load() {
    const found = await api(`${ctx.path}/messages?limit=50`);
    list.replaceChildren(...found.items.map((m) => h("li", { class: m.kind === "note" ? "message note" : "message" },
      h("p", { class: "hint" }, h("strong", {}, m.author.name || "Someone"), ` · ${when(m.at, ctx.zone)}`,
        m.kind === "note" ? " · internal note" : ""),
      h("p", {}, m.body))));
    if (!found.items.length) list.replaceChildren(h("li", {}, empty("No messages yet.")));
  }
  load().catch(() => list.replaceChildren(h("li", {}, "Messages could not be loaded; reload the page.")));
  return h("section", { class: "card", "aria-labelledby": "msg-h" }, h("h2", { id: "msg-h" }, "Messages"), list, form, slot);
}

export function peopleSection(ctx) {
  const { deal, staff } = ctx;
  const slot = h("div");
  const rows = deal.parties.map((p) => {
    const actions = [];
    if (staff && p.status !== "revoked") {
      const revoke = h("button", { type: "button", class: "danger", onclick: () => {
        if (!confirm(`Remove ${p.name} from this deal? They lose access at once.`)) return;
        act(revoke, slot, () => api(`${ctx.path}/parties/${encodeURIComponent(p.user_id)}`, { method: "DELETE" })
          .then(() => ctx.reload(`${p.name} was removed.`)));
      } }, `Remove ${p.name}`);
      actions.push(revoke);
    }
    if (staff && p.status === "invited" && p.invitation_id) {
      const resend = h("button", { type: "button", onclick: () =>
        act(resend, slot, () => api(`/v1/admin/invitations/${encodeURIComponent(p.invitation_id)}/resend`, { method: "POST" }),
          `A new invitation was sent to ${p.name}.`) }, `Resend invitation to ${p.name}`);
      actions.push(resend);
    }
    return h("li", { class: "item" },
      h("strong", {}, p.name), ` · ${words(p.role)} `, p.status !== "active" ? badge(p.status) : null,
      p.email ? h("p", { class: "hint" }, h("a", { href: `mailto:${p.email}` }, p.email), p.phone ? [" · ", h("a", { href: `tel:${p.phone}` }, p.phone)] : null) : null,
      actions.length ? h("div", { class: "actions" }, actions) : null);
  });
  return h("section", { class: "card", "aria-labelledby": "people-h" },
    h("h2", { id: "people-h" }, "People on this deal"),
    h("ul", { class: "items" }, rows),
    staff ? inviteForm(ctx, slot) : null,
    slot);
}

function inviteForm(ctx, slot) {
  const email = h("input", { type: "email", required: true, autocomplete: "off" });
  const name = h("input", { type: "text", maxlength: "120" });
  const role = h("select", {}, ROLES.map((r) => h("option", { value: r }, words(r))));
  const button = h("button", { type: "submit" }, "Send invitation");
  return h("details", {}, h("summary", {}, "Invite someone"),
    h("form", { onsubmit: (event) => {
      event.preventDefault();
      const body = { email: email.value.trim(), role: role.value };
      if (name.value.trim()) body.name = name.value.trim();
      act(button, slot, () => api(`${ctx.path}/parties`, { method: "POST", body, idempotent: true })
        .then(() => ctx.reload("Invitation sent.")));
    } }, field("Email", email), field("Name (optional)", name), field("Role", role), button));
}
