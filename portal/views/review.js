// The review queue: oldest first; open a file in the page (PDF or image), approve, or send it back with
// a reason the uploader reads.
import { api } from "../lib/api.js";
import { h, replace, link, when, bytes, words, field } from "../lib/dom.js";
import { act, errorBox, pageHeading, empty } from "../lib/ui.js";

const REASONS = ["illegible", "incomplete", "wrong_document", "expired", "other"];

export default async function review(main) {
  const list = h("ul", { class: "items" });
  const more = h("div");
  replace(main, pageHeading("Review queue", "Documents waiting for a decision, oldest first."), list, more);
  await page(null);

  async function page(cursor) {
    try {
      const query = new URLSearchParams({ limit: "25" });
      if (cursor) query.set("cursor", cursor);
      const found = await api(`/v1/admin/review-queue?${query}`);
      if (!cursor && !found.items.length) list.replaceWith(empty("Nothing is waiting for review."));
      list.append(...found.items.map((doc) => row(doc)));
      more.replaceChildren(found.next_cursor ? h("button", { type: "button", onclick: () => page(found.next_cursor) }, "Show more") : "");
    } catch (error) {
      more.replaceChildren(errorBox(error));
    }
  }
}

// The download link is `attachment` (never rendered on storage's origin), so the preview fetches the
// bytes and shows them from a blob: URL of the portal's own origin, typed as the ingest verified them.
// Where storage does not allow the portal to GET (its CORS), the file opens as a download instead.
async function previewOf(url, doc, name) {
  const viewable = doc.content_type === "application/pdf" || doc.content_type.startsWith("image/");
  let reply = null;
  if (viewable) reply = await fetch(url).catch(() => null);
  if (!reply || !reply.ok) {
    return h("p", {}, viewable ? "This file cannot be shown in the page here. " : "This kind of file has no preview. ",
      h("a", { href: url, rel: "noopener", target: "_blank" }, `Open ${name}`), " (a download that expires in 5 minutes).");
  }
  const blob = URL.createObjectURL(new Blob([await reply.arrayBuffer()], { type: doc.content_type }));
  return doc.content_type.startsWith("image/")
    ? h("img", { src: blob, alt: `Preview of ${name}`, dataset: { blob } })
    : h("iframe", { src: blob, title: `Preview of ${name}`, dataset: { blob } });
}

function row(doc) {
  const deal = `/v1/deals/${encodeURIComponent(doc.deal_id)}`;
  const preview = h("div", { class: "preview" });
  const slot = h("div");
  const name = doc.file_name || `${doc.label} v${doc.version}`;
  const show = h("button", { type: "button", "aria-expanded": "false", onclick: () => act(show, slot, async () => {
    if (show.getAttribute("aria-expanded") === "true") return hide();
    const found = await api(`${deal}/documents/${encodeURIComponent(doc.id)}/download`);
    preview.replaceChildren(await previewOf(found.url, doc, name));
    show.setAttribute("aria-expanded", "true");
  }) }, `Preview ${name}`);

  function hide() {
    for (const el of preview.querySelectorAll("[data-blob]")) URL.revokeObjectURL(el.dataset.blob);
    preview.replaceChildren();
    show.setAttribute("aria-expanded", "false");
  }
  const approve = h("button", { type: "button", class: "primary", onclick: () => act(approve, slot, () => decide({ decision: "approve" }), `${doc.label} approved.`) }, `Approve ${doc.label}`);
  const code = h("select", {}, REASONS.map((r) => h("option", { value: r }, words(r))));
  const reason = h("input", { type: "text", maxlength: "1000", required: true });
  const reject = h("button", { type: "submit", class: "danger" }, "Send back");
  const rejectForm = h("details", {}, h("summary", {}, `Send ${doc.label} back…`),
    h("form", { onsubmit: (event) => {
      event.preventDefault();
      act(reject, slot, () => decide({ decision: "reject", reason_code: code.value, reason: reason.value.trim() }), `${doc.label} sent back.`);
    } }, field("Why", code), field("What the uploader should do", reason, "They read this exactly as you write it."), reject));
  const item = h("li", { class: "item" },
    h("div", { class: "item-head" }, h("strong", {}, doc.label), " · ", link(`/deals/${encodeURIComponent(doc.deal_id)}`, "open the deal")),
    h("p", { class: "hint" }, `${name} · v${doc.version} · ${doc.content_type} · ${bytes(doc.size)} · uploaded ${when(doc.uploaded_at)}`),
    h("div", { class: "actions" }, show, approve), rejectForm, preview, slot);

  async function decide(body) {
    await api(`${deal}/documents/${encodeURIComponent(doc.id)}/review`, { method: "POST", body, idempotent: true });
    item.replaceChildren(h("p", { role: "status" }, `${doc.label}: ${body.decision === "approve" ? "approved" : "sent back"}.`));
  }
  return item;
}
