// Notification preferences: channels, digest, quiet hours, time zone (PUT the keys that changed).
import { api } from "../lib/api.js";
import { h, replace, field } from "../lib/dom.js";
import { act, pageHeading } from "../lib/ui.js";

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
  replace(main, pageHeading("Settings", "Choose how and when Threshold tells you about your deals."), form, slot);
}
