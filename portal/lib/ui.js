// Shared pieces of the page: the error box, busy buttons, headings that take focus after navigation.
import { explain } from "./api.js";
import { h, announce, uid } from "./dom.js";

export function errorBox(error, extra) {
  const said = explain(error);
  const missing = error?.details?.missing;
  const box = h("div", { class: "error", role: "alert" },
    h("p", { class: "error-title" }, said.title),
    said.detail ? h("p", {}, said.detail) : null,
    Array.isArray(missing) && missing.length
      ? h("ul", { "aria-label": "Still missing" }, missing.map((m) => h("li", {}, describeMissing(m))))
      : null,
    h("p", { class: "error-next" }, said.next),
    said.signIn ? h("p", {}, h("a", { href: "/sign-in", "data-link": true }, "Sign in")) : null,
    extra || null,
  );
  return box;
}

function describeMissing(m) {
  const what = m.label || m.title || m.type || m.key;
  const kind = m.kind === "task" ? "Task" : m.kind === "document" ? "Document" : words(m.kind);
  return `${kind}: ${what} (${words(m.status)})`;
}

function words(s) {
  return String(s || "").replaceAll("_", " ");
}

// Runs an action from a button: busy state while it runs, error shown beside it, success announced.
export async function act(button, slot, action, success) {
  slot.replaceChildren();
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const result = await action();
    if (success) announce(success);
    return result;
  } catch (error) {
    slot.replaceChildren(errorBox(error));
    slot.querySelector("[role=alert]")?.focus?.();
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

export function pageHeading(text, sub) {
  return h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, text), sub ? h("p", { class: "sub" }, sub) : null);
}

export function badge(status) {
  return h("span", { class: `badge badge-${status}` }, words(status));
}

export function empty(text) {
  return h("p", { class: "empty" }, text);
}

// A secret the API shows once (a webhook's whsec_…, an API client's secret): in the page only, never in the
// address or a log, with a copy button and a warning that it will not be shown again.
export function secretOnce(label, secret) {
  const id = uid("secret");
  const value = h("input", { id, type: "text", readonly: true, value: secret, class: "secret", autocomplete: "off", spellcheck: "false" });
  return h("div", { class: "card secret-once", role: "group", "aria-label": `${label} (shown once)` },
    h("p", { class: "error-title" }, `${label}: shown this once`),
    h("p", {}, "Copy it now and keep it somewhere safe. Threshold will not show it again; if you lose it, make a new one."),
    h("label", { for: id }, label), value, " ", copyButton(value, label));
}

// Copies the value of an input (or a text) to the clipboard, and says whether it worked.
export function copyButton(source, what) {
  return h("button", { type: "button", onclick: async () => {
    const text = typeof source === "string" ? source : source.value;
    try {
      await navigator.clipboard.writeText(text);
      announce(`${what} copied.`);
    } catch {
      if (typeof source !== "string") source.select();
      announce(`Copying is blocked in this browser: the ${what.toLowerCase()} is selected, copy it with your keyboard.`);
    }
  } }, `Copy the ${what.toLowerCase()}`);
}

// Who the signed-in person is in their org: admins change the org's settings, coordinators read them.
export function orgRole(me) {
  const roles = (me?.staff || []).map((s) => s.role);
  return roles.includes("admin") ? "admin" : roles.includes("coordinator") ? "coordinator" : null;
}
