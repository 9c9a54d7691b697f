// E-signature on a document request (docs/ESIGN.md), for the deal team: where the envelope stands, "Send for
// signature", voiding it while it is out, and, once signed, the signed PDF as the request's newest version. Loaded when opened, so the
// deal page costs no extra request per document.
import { api, ApiError } from "../lib/api.js";
import { h, replace, when, field } from "../lib/dom.js";
import { act, badge, errorBox } from "../lib/ui.js";

const SAID = {
  sending: "Being sent to the signers…",
  out_for_signature: "Sent: waiting for the signers.",
  signed: "Signed by everyone.",
  declined: "A signer declined to sign.",
  voided: "Voided: the envelope was cancelled.",
  failed: "The e-signature service refused the envelope; nothing was sent.",
};
const STATUS_BADGE = { sending: "queued", out_for_signature: "sent", signed: "completed", declined: "declined", voided: "voided", failed: "failed" };
const AGAIN = new Set(["declined", "voided", "failed"]);

// Why a send was refused, in words (the 409 codes of POST …/signature).
const REFUSED = {
  esign_not_configured: "E-signature is not set up for your organisation yet. Ask your Threshold administrator to connect DocuSign.",
  pdf_not_accepted: "This request does not take PDFs, so it could not take the signed copy.",
  no_document: "There is no file to send yet: wait for an upload.",
  not_a_pdf: "The newest file is not a PDF. Only PDFs can be sent for signature.",
  no_signers: "Nobody on the deal is in the roles that sign this document. Invite them first.",
  too_many_signers: "More than 20 people would sign; DocuSign allows 20.",
  signer_cannot_see_document: "Someone who would sign may not see this document on the deal. Change who sees it, or who signs.",
  request_closed: "This request is closed, so it cannot take a signed copy.",
  already_out_for_signature: "It is already out for signature.",
  already_signed: "It is already signed.",
  signature_in_progress: "It is being sent right now. Wait half a minute and look again.",
  esign_unavailable: "DocuSign did not take the envelope. Try again in a few minutes.",
};

export function signatureControl(ctx, request, download) {
  if (!request.documents.length) return null;
  const path = `${ctx.path}/document-requests/${encodeURIComponent(request.id)}/signature`;
  const body = h("div", { "aria-live": "polite" });
  const slot = h("div");
  const sendButton = () => {
    const button = h("button", { type: "button", onclick: () => act(button, slot, async () => {
      try {
        draw(await api(path, { method: "POST", idempotent: true }));
      } catch (error) {
        if (error instanceof ApiError && REFUSED[error.code]) {
          slot.replaceChildren(h("div", { class: "error", role: "alert" }, h("p", { class: "error-title" }, "Not sent for signature."), h("p", {}, REFUSED[error.code])));
          return;
        }
        throw error;
      }
    }, "Sent for signature.") }, `Send ${request.label} for signature`);
    return button;
  };
  function draw(signature) {
    if (!signature) {
      body.replaceChildren(h("p", { class: "hint" }, "Not sent for signature. The newest PDF goes to the people who sign it, by email."), sendButton());
      return;
    }
    const signed = signature.status === "signed";
    replace(body,
      h("p", {}, badge(STATUS_BADGE[signature.status] || signature.status), " ", SAID[signature.status] || signature.status),
      h("p", { class: "hint" }, `Signers: ${signature.signers.map((s) => `${s.order}. ${s.name}`).join(", ")}`,
        signature.sent_at ? ` · sent ${when(signature.sent_at, ctx.zone)}` : "",
        signature.finished_at ? ` · finished ${when(signature.finished_at, ctx.zone)}` : ""),
      signature.reason ? h("p", { class: "hint" }, `Reason: ${signature.reason}`) : null,
      signed ? signedCopy(ctx, request, signature, download) : null,
      AGAIN.has(signature.status) ? sendButton() : null,
      signature.status === "out_for_signature" ? voidForm() : null);
  }
  function voidForm() {
    const reason = h("input", { type: "text", required: true, minlength: "3", maxlength: "1000", autocomplete: "off" });
    const button = h("button", { type: "submit", class: "danger" }, "Void the envelope");
    return h("form", { class: "inline", onsubmit: (event) => {
      event.preventDefault();
      act(button, slot, async () => draw(await api(`${path}/void`, { method: "POST", body: { reason: reason.value.trim() } })),
        "The envelope is voided.");
    } }, field("Why void it", reason, "The signers are told; DocuSign keeps the first 200 characters."), button);
  }
  const details = h("details", { class: "esign" }, h("summary", {}, "E-signature"), body, slot);
  let loaded = false;
  details.addEventListener("toggle", () => {
    if (!details.open || loaded) return;
    loaded = true;
    api(path).then(draw).catch((error) => {
      if (error instanceof ApiError && error.code === "no_signature") draw(null);
      else { loaded = false; slot.replaceChildren(errorBox(error)); }
    });
  });
  return details;
}

// The signed PDF is stored as a new version through the normal upload pipeline: link to it once it is there.
function signedCopy(ctx, request, signature, download) {
  const version = [...request.documents].reverse()
    .find((d) => d.id !== signature.document_id && d.uploaded_at >= (signature.sent_at || ""));
  if (!version) return h("p", { class: "hint" }, "The signed PDF is being stored as a new version of this document; reload in a minute.");
  return h("p", {}, download(ctx, version, `Download the signed copy (version ${version.version})`));
}
