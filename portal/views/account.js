// One account (docs/ACCOUNTS.md): its details (edited with If-Match: a 412 reloads the latest and says
// so), its members (add, remove) and its deals, newest first.
import { api } from "../lib/api.js";
import { h, replace, link, words, when, field, announce } from "../lib/dom.js";
import { act, errorBox, pageHeading, empty } from "../lib/ui.js";
import { kindSelect, MEMBER_ROLES } from "./accounts.js";

export default async function accountPage(main, { args: [accountId] }) {
  const path = `/v1/accounts/${encodeURIComponent(accountId)}`;

  async function draw(message, problem) {
    const account = await api(path);
    const merged = account.status === "merged";
    replace(main,
      pageHeading(account.name, `${words(account.kind)} · since ${when(account.created_at)}`),
      merged ? h("p", { class: "notice" }, "This account was merged into ",
        link(`/staff/accounts/${encodeURIComponent(account.merged_into)}`, "another account"), "; it takes no more changes.") : null,
      detailsSection(account, merged, problem),
      membersSection(account, merged),
      dealsSection());
    if (message) announce(message);
    if (problem) main.querySelector("#acc-details [role=alert]")?.focus?.();
  }

  function detailsSection(account, merged, problem) {
    const slot = h("div", {}, problem ? errorBox(problem) : null);
    const name = h("input", { type: "text", maxlength: "200", value: account.name });
    const kind = kindSelect(account.kind);
    const notes = h("textarea", { rows: "3", maxlength: "2000" }, account.notes || "");
    const button = h("button", { type: "submit" }, "Save the details");
    const form = h("form", { onsubmit: (event) => {
      event.preventDefault();
      const body = { name: name.value.trim(), kind: kind.value, notes: notes.value.trim() || null };
      act(button, slot, async () => {
        try {
          await api(path, { method: "PATCH", body, version: account.version });
        } catch (error) {
          if (error.status === 412) return draw(null, error);  // someone else saved first: show theirs
          throw error;
        }
        return draw("The account's details are saved.");
      });
    } }, field("Name", name), field("Kind", kind), field("Notes", notes), button);
    return h("section", { class: "card", id: "acc-details", "aria-labelledby": "acc-details-h" }, h("h2", { id: "acc-details-h" }, "Details"),
      merged ? h("p", {}, account.notes || "No notes.") : form, slot);
  }

  function membersSection(account, merged) {
    const slot = h("div");
    const rows = account.members.map((m) => {
      const remove = h("button", { type: "button", class: "danger", onclick: () => act(remove, slot,
        () => api(`${path}/members/${encodeURIComponent(m.id)}`, { method: "DELETE" }).then(() => draw(`${m.name} was removed from the account.`))) },
      `Remove ${m.name}`);
      return h("li", { class: "item" }, h("div", { class: "item-head" }, h("strong", {}, m.name), h("span", { class: "badge" }, words(m.role))),
        h("p", { class: "hint" }, [m.email, m.phone].filter(Boolean).join(" · "),
          m.contact_id ? [" · ", link(`/staff/contacts/${encodeURIComponent(m.contact_id)}`, "contact record")] : null),
        merged ? null : remove);
    });
    const name = h("input", { type: "text", maxlength: "200", autocomplete: "off" });
    const email = h("input", { type: "email", maxlength: "254", autocomplete: "off" });
    const phone = h("input", { type: "tel", maxlength: "40", autocomplete: "off" });
    const role = h("select", {}, MEMBER_ROLES.map((r) => h("option", { value: r, selected: r === "member" }, words(r))));
    const add = h("button", { type: "submit" }, "Add the person");
    const form = h("form", { class: "inline", onsubmit: (event) => {
      event.preventDefault();
      const body = { name: name.value.trim(), email: email.value.trim(), role: role.value };
      if (phone.value.trim()) body.phone = phone.value.trim();
      act(add, slot, () => api(`${path}/members`, { method: "POST", body }).then(() => draw(`${body.name} was added to the account.`)));
    } }, h("h3", {}, "Add a person"), field("Name", name), field("Email", email), field("Phone (optional)", phone), field("Role in the account", role), add);
    return h("section", { class: "card", "aria-labelledby": "acc-members-h" }, h("h2", { id: "acc-members-h" }, `Members (${account.members.length})`),
      rows.length ? h("ul", { class: "items" }, rows) : empty("Nobody yet."), slot, merged ? null : form);
  }

  function dealsSection() {
    const list = h("ul", { class: "items" });
    const more = h("div");
    async function page(cursor) {
      try {
        const query = new URLSearchParams({ limit: "20" });
        if (cursor) query.set("cursor", cursor);
        const found = await api(`${path}/deals?${query}`);
        if (!cursor && !found.items.length) list.append(h("li", {}, empty("No deal belongs to this account yet.")));
        list.append(...found.items.map((d) => h("li", { class: "item" }, link(`/deals/${encodeURIComponent(d.id)}`, d.title),
          h("p", { class: "hint" }, d.stage_label || words(d.stage)))));
        more.replaceChildren(found.next_cursor ? h("button", { type: "button", onclick: () => page(found.next_cursor) }, "Show more") : "");
      } catch (error) {
        more.replaceChildren(errorBox(error));
      }
    }
    page(null);
    return h("section", { class: "card", "aria-labelledby": "acc-deals-h" }, h("h2", { id: "acc-deals-h" }, "Deals"),
      h("p", { class: "hint" }, "To give the members access, open a deal and use “Invite the account's members”."), list, more);
  }

  await draw();
}
