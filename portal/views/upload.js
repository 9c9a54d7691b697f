// One upload, as any browser does it: ask the API for a presigned POST form, send the file straight to
// storage with progress, then follow the upload's own status route until the ingest has accepted
// (submitted) or refused it (docs/DOCUMENTS.md, "Following an upload").
import { api } from "../lib/api.js";
import { h, bytes, uid } from "../lib/dom.js";
import { errorBox } from "../lib/ui.js";

const TYPES_BY_EXTENSION = {
  pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", heic: "image/heic",
  tif: "image/tiff", tiff: "image/tiff", txt: "text/plain", csv: "text/csv",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", doc: "application/msword",
};
const WAIT_SECONDS = 60;

export function uploadControl(ctx, request) {
  const status = h("div", { class: "upload-status", "aria-live": "polite" });
  const slot = h("div");
  const accept = request.accepted_types.join(",");
  const pick = h("input", { type: "file", accept, class: "visually-hidden", id: uid("file"),
    onchange: () => pick.files[0] && send(pick.files[0]) });
  const images = request.accepted_types.some((t) => t.startsWith("image/"));
  const camera = images
    ? h("input", { type: "file", accept: "image/*", capture: "environment", class: "visually-hidden", id: uid("camera"),
      onchange: () => camera.files[0] && send(camera.files[0]) })
    : null;
  const label = request.documents.length ? "Upload a new version" : "Upload a file";
  const controls = h("div", { class: "upload-buttons" },
    pick, h("label", { for: pick.id, class: "button" }, `${label}…`),
    camera, camera ? h("label", { for: camera.id, class: "button" }, "Take a photo…") : null);
  const kinds = request.accepted_types.map((t) => t.split("/")[1].toUpperCase()).join(", ");
  const box = h("div", { class: "upload" }, controls,
    h("p", { class: "hint" }, `${kinds}; up to ${bytes(request.max_bytes)}.`), status, slot);

  async function send(file) {
    slot.replaceChildren();
    const type = file.type || TYPES_BY_EXTENSION[file.name.split(".").pop().toLowerCase()] || "application/octet-stream";
    const bar = h("progress", { max: "100", value: "0", "aria-label": `Uploading ${file.name}` });
    status.replaceChildren(h("p", {}, `Uploading ${file.name}…`), bar);
    controls.hidden = true;
    try {
      const form = await api(`${ctx.path}/document-requests/${encodeURIComponent(request.id)}/uploads`, {
        method: "POST", body: { file_name: file.name, content_type: type, size: file.size },
      });
      await post(form, file, type, (share) => { bar.value = Math.round(share * 100); });
      status.replaceChildren(h("p", { class: "processing" }, h("span", { class: "badge badge-processing" }, "processing"),
        " Checking your file…"));
      const outcome = await settle(ctx, form.upload_id);
      ctx.reload(outcome);
    } catch (error) {
      controls.hidden = false;
      status.replaceChildren();
      slot.replaceChildren(errorBox(error));
    }
  }
  return box;
}

function post(form, file, type, progress) {
  const data = new FormData();
  for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
  data.append("file", file);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.url);
    xhr.upload.onprogress = (event) => event.lengthComputable && progress(event.loaded / event.total);
    xhr.onload = () => (xhr.status < 300 ? resolve() : reject(storageError(xhr)));
    xhr.onerror = () => reject(new Error("The upload did not reach storage. Check your connection and try again."));
    xhr.send(data);
  });
}

function storageError(xhr) {
  const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText || "")?.[1];
  const said = {
    EntityTooLarge: "The file is larger than this request allows. Choose a smaller file.",
    AccessDenied: "The upload form has expired or does not match this file. Try the upload again.",
  }[code];
  return new Error(said || "Storage refused the file. Try the upload again.");
}

// The upload's own status: accepted (a new version), refused (why, on the request), expired (never
// arrived), else still issued or processing. Only this upload's outcome counts, never an older one's.
async function settle(ctx, uploadId) {
  for (let waited = 0; waited < WAIT_SECONDS; waited += 1) {
    await new Promise((r) => setTimeout(r, 1000));
    const upload = await api(`${ctx.path}/uploads/${encodeURIComponent(uploadId)}`);
    if (upload.status === "accepted") return "Your file was received and is submitted for review.";
    if (upload.status === "refused") return "Your file was refused. The reason is shown with the request.";
    if (upload.status === "expired") return "Your file did not reach storage in time. Try the upload again.";
  }
  return "Your file is still being checked. This page will show it once it is done; reload in a minute.";
}
