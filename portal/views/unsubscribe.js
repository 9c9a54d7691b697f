import { api } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { errorBox, pageHeading } from "../lib/ui.js";

export default async function unsubscribe(main, { args: [linkToken] }) {
  const slot = h("div");
  const button = h("button", { type: "button", class: "primary", onclick: async () => {
    try {
      await api(`/v1/unsubscribe/${encodeURIComponent(linkToken)}`, { method: "POST" });
      history.replaceState(null, "", "/");
      replace(slot, h("p", { role: "status" }, "Done: we will not email you any more. You can turn email back on in Settings."));
    } catch (error) {
      replace(slot, errorBox(error));
    }
  } }, "Stop emails");
  replace(main, pageHeading("Stop email from Threshold?", "In-app updates stay on; you can change this any time in Settings."), button, slot);
}
