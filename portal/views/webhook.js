// One webhook endpoint (docs/INTEGRATIONS.md): change or pause it, rotate its secret (shown once), send a
// test event, and read the delivery log with a replay on each delivery. Coordinators read; admins act.
import { api } from "../lib/api.js";
import { h, replace, link, field, when, announce } from "../lib/dom.js";
import { act, errorBox, pageHeading, badge, empty, orgRole, secretOnce } from "../lib/ui.js";
import { whoAmI } from "../app.js";
import { accepted, eventPicker, chosenEvents, urlProblem } from "./integrations.js";

const STATUS = { pending: "queued", succeeded: "delivered", failed: "failed" };

export default async function webhookPage(main, { args: [webhookId], navigate }) {
  const me = await whoAmI();
  const admin = orgRole(me) === "admin";
  const path = `/v1/admin/webhooks/${encodeURIComponent(webhookId)}`;
  const [hook, names] = await Promise.all([api(path), accepted()]);
  const log = deliveryLog(path, admin);
  replace(main,
    pageHeading("Webhook", hook.description || hook.url),
    link("/staff/integrations", "All integrations"),
    summary(hook),
    admin ? [testSection(path, log), editSection(path, hook, names.events, navigate), secretSection(path)] : h("p", { class: "hint" }, "Only an admin can change this webhook, rotate its secret or send a test event."),
    log.section);
}

function summary(hook) {
  return h("section", { class: "card", "aria-labelledby": "hook-h" }, h("h2", { id: "hook-h" }, "Where and what"),
    h("p", {}, badge(hook.enabled ? "active" : hook.disabled_reason === "failing" ? "failed" : "paused"),
      hook.enabled ? " Events are being sent." : hook.disabled_reason === "failing"
        ? " Threshold paused it after a delivery failed every retry. Fix the receiver, turn it back on, then replay what failed."
        : " Paused: nothing is sent."),
    h("p", { class: "wrap" }, "Address: ", h("code", {}, hook.url)),
    h("p", { class: "wrap" }, `Events: ${hook.event_types.join(", ")}`),
    hook.previous_secret_until ? h("p", { class: "hint" }, `The previous secret still signs until ${when(hook.previous_secret_until)}.`) : null);
}

function testSection(path, log) {
  const slot = h("div");
  const said = h("p", { role: "status" });
  const button = h("button", { type: "button", class: "primary", onclick: () => act(button, slot, async () => {
    const sent = await api(`${path}/test`, { method: "POST" });
    said.textContent = "Test event queued. Watching the delivery log…";
    const outcome = await log.follow(sent.id);
    said.textContent = outcome ? `Test event ${STATUS[outcome.status]}${outcome.response_code ? ` (answer ${outcome.response_code})` : ""}.` : "Test event still queued; refresh the log in a minute.";
  }) }, "Send a test event");
  return h("section", { class: "card", "aria-labelledby": "test-h" }, h("h2", { id: "test-h" }, "Test"),
    h("p", { class: "hint" }, "Sends a webhook.test event, signed and logged like any other."), button, said, slot);
}

function editSection(path, hook, events, navigate) {
  const slot = h("div");
  const url = h("input", { type: "url", required: true, maxlength: "2000", value: hook.url, autocomplete: "off" });
  const description = h("input", { type: "text", maxlength: "200", value: hook.description || "", autocomplete: "off" });
  const enabled = h("input", { type: "checkbox", checked: hook.enabled });
  const save = h("button", { type: "submit", class: "primary" }, "Save changes");
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    const body = { url: url.value.trim(), description: description.value.trim() || null, enabled: enabled.checked, event_types: chosenEvents(form) };
    slot.replaceChildren();
    save.disabled = true;
    api(path, { method: "PATCH", body, version: hook.version })
      .then(() => { announce("Webhook saved."); navigate(location.pathname, { replace: true }); })
      .catch((error) => slot.replaceChildren(urlProblem(error)))
      .finally(() => { save.disabled = false; });
  } },
  field("Address (https)", url), field("Description (optional)", description),
  h("label", { class: "check" }, enabled, " Send events (untick to pause)"),
  eventPicker(events, hook.event_types), save);
  const remove = h("button", { type: "button", class: "danger", onclick: () => {
    if (!confirm("Delete this webhook? Nothing more is sent to it.")) return;
    act(remove, slot, async () => { await api(path, { method: "DELETE" }); navigate("/staff/integrations"); }, "Webhook deleted.");
  } }, "Delete the webhook");
  return h("section", { class: "card", "aria-labelledby": "edit-h" }, h("h2", { id: "edit-h" }, "Change or pause"), form,
    h("div", { class: "actions" }, remove), slot);
}

function secretSection(path) {
  const slot = h("div");
  const made = h("div");
  const overlap = h("select", {}, h("option", { value: "24" }, "Keep the old secret working for 24 hours"),
    h("option", { value: "0" }, "Stop the old secret at once (it leaked)"));
  const button = h("button", { type: "button", onclick: () => act(button, slot, async () => {
    const rotated = await api(`${path}/rotate-secret`, { method: "POST", body: { overlap_hours: Number(overlap.value) }, idempotent: true });
    made.replaceChildren(secretOnce("Signing secret", rotated.secret));
  }, "New signing secret made. Copy it now.") }, "Rotate the secret");
  return h("section", { class: "card", "aria-labelledby": "secret-h" }, h("h2", { id: "secret-h" }, "Signing secret"),
    h("p", { class: "hint" }, "The secret is shown only when it is made. Rotate it to get a new one."),
    field("The old secret", overlap), button, made, slot);
}

function deliveryLog(path, admin) {
  const list = h("ul", { class: "items" });
  const more = h("div");
  const slot = h("div");
  async function page(cursor) {
    const query = new URLSearchParams({ limit: "20" });
    if (cursor) query.set("cursor", cursor);
    const found = await api(`${path}/deliveries?${query}`);
    if (!cursor) list.replaceChildren();
    list.append(...found.items.map(entry));
    if (!cursor && !found.items.length) list.append(empty("Nothing delivered yet."));
    more.replaceChildren(found.next_cursor ? h("button", { type: "button", onclick: () => page(found.next_cursor).catch(shown) }, "Show older deliveries") : "");
    return found.items;
  }
  const shown = (error) => slot.replaceChildren(errorBox(error));
  function entry(d) {
    const facts = [`${d.attempts} attempt${d.attempts === 1 ? "" : "s"}`];
    if (d.replays) facts.push(`replayed ${d.replays}×`);
    if (d.response_code) facts.push(`answer ${d.response_code}`);
    if (d.latency_ms != null) facts.push(`${d.latency_ms} ms`);
    if (d.last_error) facts.push(`last error: ${d.last_error.replaceAll("_", " ")}`);
    if (d.status === "pending" && d.next_attempt_at) facts.push(`next attempt ${when(d.next_attempt_at)}`);
    const item = h("li", { class: "item" },
      h("div", { class: "item-head" }, h("strong", {}, d.event_type), " ", badge(STATUS[d.status] || d.status)),
      h("p", { class: "hint" }, `${when(d.created_at)} · ${facts.join(" · ")}`));
    if (admin && d.status !== "pending") {
      const button = h("button", { type: "button", onclick: () => act(button, slot, async () => {
        await api(`${path}/deliveries/${encodeURIComponent(d.id)}/replay`, { method: "POST" });
        await page(null);
      }, `${d.event_type} is being sent again.`) }, `Replay ${d.event_type}`);
      item.append(button);
    }
    return item;
  }
  // After a test: read the log every 2 s (the sweep sends within a minute) until the delivery is settled.
  async function follow(id) {
    for (let i = 0; i < 45; i += 1) {
      const items = await page(null);
      const mine = items.find((d) => d.id === id);
      if (mine && mine.status !== "pending") return mine;
      await new Promise((done) => setTimeout(done, 2000));
    }
    return null;
  }
  const refresh = h("button", { type: "button", onclick: () => act(refresh, slot, () => page(null), "Delivery log refreshed.") }, "Refresh");
  page(null).catch(shown);
  return { follow, section: h("section", { class: "card", "aria-labelledby": "log-h" }, h("h2", { id: "log-h" }, "Delivery log"),
    h("p", { class: "hint" }, "Newest first. A failed delivery is retried for about a day; replay sends it again."), refresh, list, more, slot) };
}
