// Document requests: status, due date in the deal's zone, why a file was refused or rejected, versions
// with downloads, and the upload control for whoever the request asks.
import { api } from "../lib/api.js";
import { h, words, when, bytes, isPast } from "../lib/dom.js";
import { badge, empty, errorBox } from "../lib/ui.js";
import { uploadControl } from "./upload.js";
import { signatureControl } from "./deal-esign.js";

const OPEN = new Set(["requested", "rejected", "submitted"]);

export function documentsSection(ctx) {
  const { deal, me, staff } = ctx;
  const requests = deal.document_requests || [];
  const mine = requests.filter((r) => r.target_user_ids.includes(me.id));
  const others = requests.filter((r) => !r.target_user_ids.includes(me.id));
  return h("section", { class: "card", "aria-labelledby": "docs-h" },
    h("h2", { id: "docs-h" }, "Documents"),
    mine.length ? h("h3", {}, "Asked of you") : null,
    h("ul", { class: "items" }, mine.map((r) => requestItem(ctx, r, true))),
    others.length ? h("h3", {}, staff ? "Everything requested on this deal" : "Shared with you") : null,
    h("ul", { class: "items" }, others.map((r) => requestItem(ctx, r, staff))),
    requests.length ? null : empty("No documents are requested yet."));
}

function requestItem(ctx, request, canUpload) {
  const overdue = OPEN.has(request.status) && request.status !== "submitted" && isPast(request.due_at);
  const latest = request.documents.at(-1);
  return h("li", { class: "item" },
    h("div", { class: "item-head" }, h("strong", {}, request.label), " ", badge(request.status),
      request.required ? null : h("span", { class: "hint" }, " optional")),
    request.due_at ? h("p", { class: overdue ? "due overdue" : "due" }, `${overdue ? "Overdue — was due" : "Due"} ${when(request.due_at, ctx.zone)}`) : null,
    explanation(request, latest),
    request.documents.length ? versions(ctx, request) : null,
    ctx.staff && request.status !== "cancelled" ? signatureControl(ctx, request, downloadButton) : null,
    canUpload && OPEN.has(request.status) ? uploadControl(ctx, request) : null);
}

function explanation(request, latest) {
  if (request.status === "rejected" && request.rejection) {
    const r = request.rejection;
    return h("p", { class: "notice" }, "Sent back: ", h("strong", {}, words(r.reason_code || "")), r.reason ? ` — ${r.reason}` : "",
      ". Please upload a corrected file.");
  }
  if (request.last_refusal && (!latest || request.last_refusal.at > latest.uploaded_at)) {
    const why = (request.last_refusal.message || words(request.last_refusal.code)).replace(/\.$/, "");
    return h("p", { class: "notice" }, "Your last file was not accepted: ", h("strong", {}, why), ". Upload another file.");
  }
  if (request.status === "submitted") return h("p", { class: "hint" }, "Received — waiting for review.");
  if (request.status === "approved") return h("p", { class: "hint" }, "Approved.");
  return null;
}

function versions(ctx, request) {
  return h("details", {}, h("summary", {}, `Files (${request.documents.length})`),
    h("ul", {}, [...request.documents].reverse().map((d) => h("li", {}, `v${d.version} `, badge(d.status),
      ` ${bytes(d.size)} · ${when(d.uploaded_at, ctx.zone)} `,
      d.review?.reason ? h("span", { class: "hint" }, `(${d.review.reason}) `) : null,
      downloadButton(ctx, d, `Download ${d.file_name || `version ${d.version}`}`)))));
}

// A download link is asked for when pressed (it is short-lived) and opened in a new tab, never kept.
export function downloadButton(ctx, doc, text) {
  const slot = h("span");
  const open = h("button", { type: "button", class: "link-button", onclick: async () => {
    try {
      const found = await api(`${ctx.path}/documents/${encodeURIComponent(doc.id)}/download`);
      window.open(found.url, "_blank", "noopener");
    } catch (error) {
      slot.replaceChildren(errorBox(error));
    }
  } }, text);
  return h("span", {}, open, slot);
}
