// The org's own log (user management, exports, imports), its export, and resending one notification.
import { api } from "../lib/api.js";
import { h, replace, when, field } from "../lib/dom.js";
import { act, errorBox, pageHeading } from "../lib/ui.js";

export default async function orgActivity(main) {
  const list = h("ol", { class: "activity" });
  const more = h("div");
  const slot = h("div");
  replace(main, pageHeading("Organisation activity"), exportForm(), resendForm(), h("h2", {}, "Log"), list, more, slot);
  await page(null);

  async function page(cursor) {
    try {
      const found = await api(`/v1/admin/activity?limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      list.append(...found.items.map((e) => h("li", {}, e.summary, h("span", { class: "hint" }, ` · ${e.actor.label} · ${when(e.at)}`))));
      more.replaceChildren(found.next_cursor ? h("button", { type: "button", onclick: () => page(found.next_cursor) }, "Show older") : "");
    } catch (error) {
      slot.replaceChildren(errorBox(error));
    }
  }
}

function exportForm() {
  const slot = h("div", { "aria-live": "polite" });
  const format = h("select", {}, h("option", { value: "csv" }, "CSV (spreadsheet)"), h("option", { value: "jsonl" }, "JSON Lines"));
  const from = h("input", { type: "date" });
  const to = h("input", { type: "date" });
  const button = h("button", { type: "submit" }, "Export");
  return h("section", { class: "card", "aria-labelledby": "export-h" }, h("h2", { id: "export-h" }, "Export the activity log"),
    h("form", { onsubmit: (event) => {
      event.preventDefault();
      const body = { format: format.value };
      if (from.value) body.from = from.value;
      if (to.value) body.to = to.value;
      act(button, slot, async () => {
        const done = await api("/v1/admin/activity-export", { method: "POST", body });
        slot.replaceChildren(h("a", { href: done.url, download: "", rel: "noopener" }, `Download ${done.count} events (${done.from} to ${done.to})`));
      });
    } }, field("Format", format), field("From (optional)", from), field("To (optional)", to), button), slot);
}

function resendForm() {
  const slot = h("div", { "aria-live": "polite" });
  const id = h("input", { type: "text", required: true, pattern: "nt_[a-z0-9]+", autocomplete: "off" });
  const reason = h("input", { type: "text", maxlength: "1000" });
  const button = h("button", { type: "submit" }, "Resend");
  return h("details", { class: "card" }, h("summary", {}, "Resend a notification"),
    h("form", { onsubmit: (event) => {
      event.preventDefault();
      const body = reason.value.trim() ? { reason: reason.value.trim() } : undefined;
      act(button, slot, () => api(`/v1/admin/notifications/${encodeURIComponent(id.value.trim())}/resend`, { method: "POST", body })
        .then(() => slot.replaceChildren(h("p", { role: "status" }, "Sent again."))));
    } }, field("Notification id", id, "From a support ticket (starts with nt_). To pick one from a list, open the deal and use “Notifications sent”."),
    field("Reason (optional)", reason), button), slot);
}
