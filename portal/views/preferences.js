// Notification preferences: channels, digest, quiet hours, time zone (PUT the keys that changed).
import { api } from "../lib/api.js";
import { h, replace, field, uid, when } from "../lib/dom.js";
import { act, pageHeading, copyButton } from "../lib/ui.js";

export default async function preferences(main) {
  const prefs = await api("/v1/me/preferences");
  const slot = h("div");
  const channel = (name, label) => h("label", { class: "check" },
    h("input", { type: "checkbox", name, checked: Boolean(prefs.channels?.[name]) }), ` ${label}`);
  const digest = h("select", { name: "digest" }, [["immediate", "Right away"], ["hourly", "Once an hour"], ["daily", "Once a day"]]
    .map(([v, t]) => h("option", { value: v, selected: prefs.digest === v }, t)));
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [];
  const zone = h("select", { name: "time_zone" }, ["", ...zones].map((z) =>
    h("option", { value: z, selected: (prefs.time_zone || "") === z }, z || "Not set")));
  const quiet = h("input", { type: "checkbox", name: "quiet", checked: Boolean(prefs.quiet_hours) });
  const start = h("input", { type: "time", name: "start", value: prefs.quiet_hours?.start || "21:00" });
  const end = h("input", { type: "time", name: "end", value: prefs.quiet_hours?.end || "08:00" });
  const button = h("button", { type: "submit", class: "primary" }, "Save settings");
  const form = h("form", { class: "card", onsubmit: (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      channels: { email: data.has("email"), sms: data.has("sms"), in_app: data.has("in_app") },
      digest: digest.value,
      quiet_hours: quiet.checked ? { start: start.value, end: end.value } : null,
    };
    if (zone.value) body.time_zone = zone.value;
    act(button, slot, () => api("/v1/me/preferences", { method: "PUT", body }), "Settings saved.");
  } },
  h("fieldset", {}, h("legend", {}, "How we reach you"), channel("email", "Email"), channel("sms", "Text message"), channel("in_app", "In the portal")),
  field("How often", digest),
  h("fieldset", {}, h("legend", {}, "Quiet hours"), h("label", { class: "check" }, quiet, " No messages during these hours"),
    field("From", start), field("Until", end)),
  field("Your time zone", zone),
  button);
  replace(main, pageHeading("Settings", "Choose how and when Threshold tells you about your deals."), form, slot, calendarSection());
}

// The private calendar feed (docs/CALENDAR.md). Its address holds a token, so it is read only when asked
// for, shown in the page only (never in the address bar), and can be reset or turned off at once.
function calendarSection() {
  const shown = h("div", { "aria-live": "polite" });
  const slot = h("div");
  const show = (feed, said) => {
    const id = uid("calendar");
    const value = h("input", { id, type: "text", readonly: true, value: feed.url, class: "secret", autocomplete: "off", spellcheck: "false" });
    shown.replaceChildren(h("label", { for: id }, "Your calendar link"), value, " ", copyButton(value, "Calendar link"),
      h("p", { class: "hint" }, `${said} Anyone with this link can read your calendar: keep it private.`, feed.created_at ? ` Made ${when(feed.created_at)}.` : ""),
      h("div", { class: "actions" }, reset, off));
  };
  const open = h("button", { type: "button", onclick: () => act(open, slot, async () => show(await api("/v1/me/calendar"), "Add it to Google Calendar, Outlook or Apple Calendar as a calendar from a URL.")) }, "Show my calendar link");
  const reset = h("button", { type: "button", onclick: () => {
    if (!confirm("Make a new link? The old one stops working at once; calendars using it stop updating.")) return;
    act(reset, slot, async () => show(await api("/v1/me/calendar/rotate", { method: "POST" }), "A new link: the old one no longer works."), "A new calendar link is ready.");
  } }, "Reset the link");
  const off = h("button", { type: "button", class: "danger", onclick: () => {
    if (!confirm("Turn the calendar link off? Calendars using it stop updating.")) return;
    act(off, slot, async () => {
      await api("/v1/me/calendar", { method: "DELETE" });
      shown.replaceChildren(h("p", {}, "The calendar link is off. Showing it again makes a new one."));
    }, "The calendar link is off.");
  } }, "Turn the link off");
  return h("section", { class: "card", "aria-labelledby": "cal-h" }, h("h2", { id: "cal-h" }, "Calendar"),
    h("p", {}, "Your deals' key dates and your own tasks and uploads, in your calendar app. The link is private to you."),
    open, shown, slot);
}
