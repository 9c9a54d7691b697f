// The org's settings for admins and coordinators: one menu link leads here, to the screens that change how
// the org works (templates) and what it connects to (integrations).
import { h, replace, link } from "../lib/dom.js";
import { pageHeading } from "../lib/ui.js";

export default async function adminHub(main) {
  replace(main, pageHeading("Settings for the org", "How your brokerage works in Threshold, and what it connects to."),
    h("ul", { class: "hub" },
      h("li", { class: "card" }, h("h2", {}, link("/staff/templates", "Templates")),
        h("p", { class: "hint" }, "Your own versions of the workflows: stages, tasks and documents. Clone a built-in, edit, check, publish.")),
      h("li", { class: "card" }, h("h2", {}, link("/staff/integrations", "Integrations")),
        h("p", { class: "hint" }, "Webhooks to your other tools, API clients for machines, and the secret for leads from your CRM."))));
}
