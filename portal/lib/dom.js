// Building the page without innerHTML: every text is a text node, so nothing from the API is ever markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function link(href, text, attrs = {}) {
  return h("a", { href, "data-link": true, ...attrs }, text);
}

export function announce(text) {
  const live = document.getElementById("announcer");
  live.textContent = "";
  setTimeout(() => { live.textContent = text; }, 50);
}

let ids = 0;
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

// A labelled form field: label, control, optional hint, all tied together for screen readers.
export function field(label, control, hint) {
  const id = control.id || uid("f");
  control.id = id;
  const parts = [h("label", { for: id }, label), control];
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute("aria-describedby", hintId);
    parts.push(h("p", { class: "hint", id: hintId }, hint));
  }
  return h("div", { class: "field" }, parts);
}

export function words(key) {
  return String(key || "").replaceAll("_", " ");
}

export function bytes(n) {
  if (n == null) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// Dates: due dates in the deal's time zone when the API gives one, else the browser's (and say so).
export function zoneOf(deal) {
  return deal?.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function when(iso, zone) {
  if (!iso) return "no date";
  const date = new Date(iso);
  return new Intl.DateTimeFormat(undefined, {
    weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
    timeZone: zone, timeZoneName: "short",
  }).format(date);
}

export function day(isoDate) {
  if (!isoDate) return "";
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

export function isPast(iso) {
  return iso && new Date(iso).getTime() < Date.now();
}

// How long ago, in the largest whole unit: "just now", "5 minutes", "3 hours", "2 days".
export function ago(iso) {
  if (!iso) return "";
  const minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
  const [n, unit] = minutes < 1 ? [0, ""] : minutes < 60 ? [minutes, "minute"] : minutes < 1440
    ? [Math.floor(minutes / 60), "hour"] : [Math.floor(minutes / 1440), "day"];
  return n === 0 ? "just now" : `${n} ${unit}${n === 1 ? "" : "s"} ago`;
}
