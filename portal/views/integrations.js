// What the org connects to (docs/INTEGRATIONS.md): outbound webhooks, API clients for machines and the
// CRM-in secret. Admins change them; coordinators read what the API lets them read. Secrets are shown once,
// in the page only.
import { api, ApiError } from "../lib/api.js";
import { config } from "../lib/config.js";
import { h, replace, link, field, when, words } from "../lib/dom.js";
import { act, errorBox, pageHeading, badge, empty, orgRole, secretOnce, copyButton } from "../lib/ui.js";
import { whoAmI } from "../app.js";

let contract;  // the API's OpenAPI document: the event names a webhook accepts, the scopes a client may have

export async function accepted() {
  if (!contract) {
    const { api_url: base } = await config();
    contract = fetch(`${base}/v1/openapi.json`).then((r) => r.json()).then((doc) => {
      const schemas = doc.components.schemas;
      const scope = schemas.NewApiClient.properties.scopes.items;
      return {
        events: schemas.NewWebhook.properties.event_types.items.enum,
        scopes: scope.enum || schemas[scope.$ref.split("/").at(-1)].enum,
      };
    });
  }
  return contract;
}

export default async function integrations(main) {
  const me = await whoAmI();
  const admin = orgRole(me) === "admin";
  const names = await accepted();
  replace(main, pageHeading("Integrations", admin ? "What your brokerage connects to Threshold." : "What your brokerage connects to Threshold. Only an admin can change these."),
    link("/staff/admin", "Settings for the org"),
    webhooksSection(admin, names.events),
    admin ? apiClientsSection(names.scopes) : h("section", { class: "card" }, h("h2", {}, "API clients"),
      h("p", {}, "Only an admin of the org can see and manage API clients.")),
    crmInSection(admin));
}

// A 422 on a webhook's URL in words: Threshold only delivers to public addresses.
export function urlProblem(error) {
  const problems = Array.isArray(error?.details) ? error.details : [];
  const url = problems.find((p) => p.field === "url");
  if (!(error instanceof ApiError) || error.status !== 422 || !url) return errorBox(error);
  const why = String(url.problem || "").replace(/^Value error, /, "");
  const box = errorBox(error);
  box.querySelector(".error-title").textContent = /private|loopback|link-local|public|reserved|shared|unspecified|global/i.test(why)
    ? "Threshold only delivers to public addresses." : "This address can't be used for a webhook.";
  box.querySelector(".error-next").textContent = `The address was refused: ${why}. Use an https address on the internet that your receiver answers.`;
  return box;
}

export function eventPicker(events, chosen = []) {
  const groups = new Map();
  for (const name of events) {
    const group = name.split(".")[0];
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(name);
  }
  return h("fieldset", { class: "events" }, h("legend", {}, "Events to send"),
    [...groups].map(([group, names]) => h("details", { open: names.some((n) => chosen.includes(n)) },
      h("summary", {}, `${words(group)} (${names.length})`),
      names.map((name) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: "event_types", value: name, checked: chosen.includes(name) }), ` ${name}`)))));
}

export function chosenEvents(form) {
  return [...form.querySelectorAll("input[name=event_types]:checked")].map((i) => i.value);
}

function webhooksSection(admin, events) {
  const list = h("ul", { class: "items" });
  const slot = h("div");
  const section = h("section", { class: "card", "aria-labelledby": "hooks-h" }, h("h2", { id: "hooks-h" }, "Webhooks"),
    h("p", { class: "hint" }, "Threshold sends the events you choose to your other tools, signed, retried for about a day."),
    list, slot, admin ? newWebhook(events, () => draw()) : h("p", { class: "hint" }, "Only an admin can add or change webhooks."));
  async function draw() {
    try {
      const found = await api("/v1/admin/webhooks?limit=50");
      list.replaceChildren(...(found.items.length ? found.items.map((w) => h("li", { class: "item" },
        h("div", { class: "item-head" }, link(`/staff/integrations/webhooks/${encodeURIComponent(w.id)}`, w.description || w.url, { class: "wrap" }), " ",
          badge(w.enabled ? "active" : w.disabled_reason === "failing" ? "failed" : "paused")),
        h("p", { class: "hint wrap" }, `${w.url} · ${w.event_types.length} event type${w.event_types.length === 1 ? "" : "s"}`))) : [empty("No webhook yet.")]));
    } catch (error) {
      slot.replaceChildren(errorBox(error));
    }
  }
  draw();
  return section;
}

function newWebhook(events, added) {
  const slot = h("div");
  const made = h("div");
  const url = h("input", { type: "url", required: true, maxlength: "2000", autocomplete: "off", inputmode: "url" });
  const description = h("input", { type: "text", maxlength: "200", autocomplete: "off" });
  const button = h("button", { type: "submit", class: "primary" }, "Add the webhook");
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    const body = { url: url.value.trim(), event_types: chosenEvents(form) };
    if (description.value.trim()) body.description = description.value.trim();
    if (!body.event_types.length) {
      slot.replaceChildren(h("div", { class: "error", role: "alert" }, h("p", { class: "error-title" }, "Choose at least one event to send.")));
      return;
    }
    slot.replaceChildren();
    button.disabled = true;
    api("/v1/admin/webhooks", { method: "POST", body, idempotent: true }).then((hook) => {
      made.replaceChildren(secretOnce("Signing secret", hook.secret),
        h("p", {}, "Webhook added. ", link(`/staff/integrations/webhooks/${encodeURIComponent(hook.id)}`, "Open it to send a test event and read its delivery log")));
      form.reset();
      added();
      made.querySelector("input")?.focus();
    }).catch((error) => slot.replaceChildren(urlProblem(error))).finally(() => { button.disabled = false; });
  } },
  h("h3", {}, "Add a webhook"),
  field("Address (https)", url, "Where Threshold POSTs the events: a public https address of your tool."),
  field("Description (optional)", description),
  eventPicker(events), button);
  return h("div", {}, form, slot, made);
}

function apiClientsSection(scopes) {
  const list = h("ul", { class: "items" });
  const slot = h("div");
  const made = h("div");
  const name = h("input", { type: "text", required: true, maxlength: "120", autocomplete: "off" });
  const button = h("button", { type: "submit", class: "primary" }, "Create the client");
  async function draw() {
    const found = await api("/v1/admin/api-clients?limit=50");
    list.replaceChildren(...(found.items.length ? found.items.map((c) => {
      const item = h("li", { class: "item" },
        h("div", { class: "item-head" }, h("strong", {}, c.name), " ", badge(c.status)),
        h("p", { class: "hint wrap" }, `Client id ${c.id} · ${c.scopes.join(", ")} · created ${when(c.created_at)}`));
      if (c.status === "active") {
        const revoke = h("button", { type: "button", class: "danger", onclick: () => {
          if (!confirm(`Revoke “${c.name}”? Its next request is refused, and this cannot be undone.`)) return;
          act(revoke, slot, () => api(`/v1/admin/api-clients/${encodeURIComponent(c.id)}/revoke`, { method: "POST" }).then(draw), `“${c.name}” is revoked.`);
        } }, `Revoke ${c.name}`);
        item.append(revoke);
      }
      return item;
    }) : [empty("No API client yet.")]));
  }
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    const chosen = [...form.querySelectorAll("input[name=scopes]:checked")].map((i) => i.value);
    act(button, slot, async () => {
      const client = await api("/v1/admin/api-clients", { method: "POST", body: { name: name.value.trim(), scopes: chosen }, idempotent: true });
      made.replaceChildren(secretOnce("Client secret", client.client_secret),
        h("p", { class: "hint wrap" }, `Client id: ${client.id}. `, client.token_endpoint
          ? `Get an access token from ${client.token_endpoint} (client credentials) with the scopes ${client.token_scopes.join(" ")}.`
          : "Local mode: `make token CLIENT=<id>` mints an access token."));
      form.reset();
      await draw();
    }, "API client created. Copy its secret now.");
  } },
  h("h3", {}, "Create an API client"),
  field("Name", name, "Which tool it is, e.g. “Follow Up Boss sync”."),
  h("fieldset", {}, h("legend", {}, "What it may do"), scopes.map((s) =>
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "scopes", value: s }), ` ${s}`))),
  button);
  draw().catch((error) => slot.replaceChildren(errorBox(error)));
  return h("section", { class: "card", "aria-labelledby": "clients-h" }, h("h2", { id: "clients-h" }, "API clients"),
    h("p", { class: "hint" }, "A CRM or script that calls the API with its own credentials, limited to the scopes you give it."),
    list, form, slot, made);
}

function crmInSection(admin) {
  const body = h("div");
  const slot = h("div");
  const made = h("div");
  async function draw() {
    const s = await api("/v1/admin/inbound-leads");
    const receiver = s.url || `${(await config()).api_url}${s.path}`;
    const parts = [
      h("p", {}, s.enabled ? badge("active") : badge("off"), s.enabled ? " Leads from your CRM are accepted." : " No secret: nothing is accepted."),
      h("p", { class: "wrap" }, "Receiver address: ", h("code", {}, receiver), " ", copyButton(receiver, "Receiver address")),
      s.secret_created_at ? h("p", { class: "hint" }, `Secret made ${when(s.secret_created_at)}`,
        s.previous_secret_expires_at ? `; the previous one works until ${when(s.previous_secret_expires_at)}` : "") : null,
    ];
    if (admin) {
      const make = h("button", { type: "button", class: "primary", onclick: () => act(make, slot, async () => {
        const rotated = await api("/v1/admin/inbound-leads/secret", { method: "POST", idempotent: true });
        await draw();
        made.replaceChildren(secretOnce("CRM-in secret", rotated.secret));
      }, "New secret made. Copy it now.") }, s.enabled ? "Make a new secret" : "Make a secret");
      const off = h("button", { type: "button", class: "danger", onclick: () => {
        if (!confirm("Turn off leads from your CRM? No secret will verify any more.")) return;
        act(off, slot, async () => { await api("/v1/admin/inbound-leads", { method: "DELETE" }); made.replaceChildren(); await draw(); }, "Leads from your CRM are turned off.");
      } }, "Turn off");
      parts.push(h("div", { class: "actions" }, make, s.enabled ? off : null),
        s.enabled ? h("p", { class: "hint" }, "A new secret replaces the old one; the old one keeps working for 24 hours so your CRM can switch.") : null);
    } else {
      parts.push(h("p", { class: "hint" }, "Only an admin can make or turn off the secret."));
    }
    body.replaceChildren(...parts.filter(Boolean));
  }
  draw().catch((error) => slot.replaceChildren(errorBox(error)));
  return h("section", { class: "card", "aria-labelledby": "crm-h" }, h("h2", { id: "crm-h" }, "Leads from your CRM"),
    h("p", { class: "hint" }, "Your CRM or Zapier posts new leads, signed with this secret, to the receiver address; they land in your lead queue."),
    body, made, slot);
}
