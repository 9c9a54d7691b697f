// Shared pieces of the page: the error box, busy buttons, headings that take focus after navigation.
import { explain } from "./api.js";
import { h, announce } from "./dom.js";

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
