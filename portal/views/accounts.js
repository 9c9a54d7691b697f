// Accounts (docs/ACCOUNTS.md): people grouped under one name. List and search the org's accounts (name
// prefix, kind, a member's email), and create one.
import { api } from "../lib/api.js";
import { h, replace, link, words, field } from "../lib/dom.js";
import { act, pageHeading } from "../lib/ui.js";
import { searchBox } from "./contacts.js";

export const ACCOUNT_KINDS = ["household", "investor_entity", "landlord", "vendor_company", "team"];
export const MEMBER_ROLES = ["primary", "member", "owner", "signer", "employee"];

export function kindSelect(selected, { any = false } = {}) {
  return h("select", {}, any ? h("option", { value: "" }, "Any kind") : null,
    ACCOUNT_KINDS.map((k) => h("option", { value: k, selected: k === selected }, words(k))));
}

export default async function accounts(main, { navigate }) {
  const q = h("input", { type: "search", maxlength: "100" });
  const kind = kindSelect(null, { any: true });
  const email = h("input", { type: "email", maxlength: "254" });
  const found = searchBox({
    legend: "Find an account",
    controls: [field("Name starts with", q), field("Kind", kind), field("Or a member's email", email, "Finds the accounts this person belongs to.")],
    query: () => {
      const params = new URLSearchParams();
      if (email.value.trim()) params.set("email", email.value.trim());
      else if (q.value.trim()) params.set("q", q.value.trim());
      if (kind.value) params.set("kind", kind.value);
      return params;
    },
    path: "/v1/accounts",
    row: (a) => [link(`/staff/accounts/${encodeURIComponent(a.id)}`, a.name),
      h("p", { class: "hint" }, words(a.kind), a.matched_member ? ` · ${a.matched_member.name} is a ${words(a.matched_member.role)}` : "")],
    nothing: "No account matches.",
  });

  const slot = h("div");
  const newKind = kindSelect("household");
  const name = h("input", { type: "text", maxlength: "200", required: true });
  const notes = h("textarea", { rows: "2", maxlength: "2000" });
  const create = h("button", { type: "submit", class: "primary" }, "Create the account");
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    const body = { kind: newKind.value, name: name.value.trim() };
    if (notes.value.trim()) body.notes = notes.value.trim();
    act(create, slot, async () => {
      const made = await api("/v1/accounts", { method: "POST", body, idempotent: true });
      navigate(`/staff/accounts/${encodeURIComponent(made.id)}`);
    });
  } }, field("Kind", newKind), field("Name", name), field("Notes (optional)", notes), create);

  replace(main, pageHeading("Accounts", "Households, investor entities, landlords, vendor companies and teams."),
    h("section", { class: "card", "aria-labelledby": "acc-find-h" }, h("h2", { id: "acc-find-h" }, "Your accounts"),
      found.form, h("div", { "aria-live": "polite" }, found.list), found.more),
    h("section", { class: "card", "aria-labelledby": "acc-new-h" }, h("h2", { id: "acc-new-h" }, "New account"),
      h("details", {}, h("summary", {}, "Create an account"), form, slot)));
  await found.page(null);
}
