// Contacts and property records (docs/INTAKE.md): find a contact by name, email or phone prefix, a
// property record by the start of its street address. Each result opens its page.
import { api } from "../lib/api.js";
import { h, replace, link, field } from "../lib/dom.js";
import { errorBox, pageHeading, empty } from "../lib/ui.js";

export function addressWords(p) {
  const a = p.address || {};
  return `${a.line1}${p.unit ? ` #${p.unit}` : ""}, ${a.city}, ${a.state} ${a.postal_code}`;
}

export function contactWords(c) {
  return [c.email, c.phone].filter(Boolean).join(" · ");
}

// One search form with its paged results; `row` draws an item.
export function searchBox({ legend, controls, query, path, row, nothing }) {
  const list = h("ul", { class: "items" });
  const more = h("div");
  const button = h("button", { type: "submit" }, "Search");
  let search = 0;  // a newer search makes the answers of older ones stale
  async function page(cursor) {
    const mine = cursor ? search : ++search;
    try {
      const params = query();
      params.set("limit", "20");
      if (cursor) params.set("cursor", cursor);
      const found = await api(`${path}?${params}`);
      if (mine !== search) return;
      if (!cursor && !found.items.length) list.append(h("li", {}, empty(nothing)));
      list.append(...found.items.map((item) => h("li", { class: "item" }, row(item))));
      more.replaceChildren(found.next_cursor ? h("button", { type: "button", onclick: () => page(found.next_cursor) }, "Show more") : "");
    } catch (error) {
      more.replaceChildren(errorBox(error));
    }
  }
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    list.replaceChildren();
    more.replaceChildren();
    page(null);
  } }, h("fieldset", {}, h("legend", {}, legend), controls, button));
  return { form, list, more, page };
}

export default async function contacts(main) {
  const by = h("select", {}, h("option", { value: "name" }, "Name"), h("option", { value: "email" }, "Email"), h("option", { value: "phone" }, "Phone"));
  const text = h("input", { type: "search", maxlength: "60" });
  const people = searchBox({
    legend: "Find a contact",
    controls: [field("Search by", by), field("Name, email or phone starts with", text, "Leave empty to list every contact by name.")],
    query: () => new URLSearchParams(text.value.trim() ? { [by.value]: text.value.trim() } : {}),
    path: "/v1/contacts",
    row: (c) => [link(`/staff/contacts/${encodeURIComponent(c.id)}`, c.name), h("p", { class: "hint" }, contactWords(c))],
    nothing: "No contact matches.",
  });
  const street = h("input", { type: "search", maxlength: "200" });
  const places = searchBox({
    legend: "Find a property",
    controls: [field("Street address starts with", street, "For example “12 Harbor”. Records made with a lead or by staff are found.")],
    query: () => new URLSearchParams({ address: street.value.trim() }),
    path: "/v1/properties",
    row: (p) => link(`/staff/properties/${encodeURIComponent(p.id)}`, addressWords(p)),
    nothing: "No property record matches.",
  });
  replace(main, pageHeading("Contacts and properties", "The people and places your organisation knows."),
    h("section", { class: "card", "aria-labelledby": "people-h" }, h("h2", { id: "people-h" }, "Contacts"),
      people.form, h("div", { "aria-live": "polite" }, people.list), people.more),
    h("section", { class: "card", "aria-labelledby": "places-h" }, h("h2", { id: "places-h" }, "Properties"),
      places.form, h("div", { "aria-live": "polite" }, places.list), places.more));
  await people.page(null);
}
