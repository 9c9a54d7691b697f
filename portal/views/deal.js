// A deal: what happens next and who we are waiting on, the plain-language timeline, my to-dos, documents,
// tasks, messages and the people on it. Staff see the full workspace and its actions (deal-staff.js).
import { api } from "../lib/api.js";
import { h, replace, words, when, day, zoneOf, announce } from "../lib/dom.js";
import { errorBox, pageHeading } from "../lib/ui.js";
import { whoAmI } from "../app.js";
import { documentsSection } from "./deal-documents.js";
import { tasksSection } from "./deal-tasks.js";
import { messagesSection, peopleSection } from "./deal-people.js";
import { staffSections } from "./deal-staff.js";
import { changesSection } from "./deal-changes.js";
import { notificationsSection } from "./deal-notifications.js";

// The template the deal runs — its built-in version or its org's own (docs/TEMPLATES.md) — as this caller
// sees it: read through the deal, once per template version and role.
const templates = new Map();

async function template(deal) {
  const key = `${deal.template_id || deal.workflow}/${deal.template_version}/${deal.your_role}`;
  if (!templates.has(key)) {
    templates.set(key, api(`/v1/deals/${encodeURIComponent(deal.id)}/template`).catch(() => null));
  }
  return templates.get(key);
}

export default async function dealPage(main, { args: [dealId] }) {
  const me = await whoAmI();
  const path = `/v1/deals/${encodeURIComponent(dealId)}`;

  async function draw(message) {
    const deal = await api(path);
    const ctx = {
      deal, me, path, zone: zoneOf(deal), template: await template(deal),
      staff: Array.isArray(deal.risk_flags),
      canOverride: ["admin", "coordinator"].includes(deal.your_role),
      reload: (said) => draw(said).catch((error) => main.prepend(errorBox(error))),
    };
    replace(main,
      header(ctx),
      nextStep(ctx),
      timeline(ctx),
      documentsSection(ctx),
      tasksSection(ctx),
      changesSection(ctx),
      messagesSection(ctx),
      peopleSection(ctx),
      ctx.staff ? staffSections(ctx) : null,
      ctx.staff && ctx.canOverride ? notificationsSection(ctx) : null);
    if (message) announce(message);
  }
  await draw();
}

function header({ deal, zone, staff }) {
  const a = deal.property?.address;
  const where = a ? `${a.line1}${deal.property.unit ? ` #${deal.property.unit}` : ""}, ${a.city}, ${a.state} ${a.postal_code}` : "";
  return h("div", {},
    pageHeading(deal.title, where),
    deal.price != null ? h("p", { class: "hint" }, `Price: ${money(deal.price)}`) : null,
    staff ? internals(deal) : null,
    h("p", { class: "hint" }, deal.time_zone
      ? `Times are shown in the deal's time zone (${zone}).`
      : `Times are shown in your time zone (${zone}).`));
}

function money(amount) {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", maximumFractionDigits: 0 }).format(amount);
}

// Internal fields: the API sends them to staff only; the portal labels them so nobody reads them aloud.
function internals(deal) {
  const facts = [
    deal.commission_rate != null ? ["Commission", `${deal.commission_rate}%`] : null,
    deal.risk_flags?.length ? ["Risk flags", deal.risk_flags.map(words).join(", ")] : null,
    deal.external_id ? ["External id", deal.external_id] : null,
  ].filter(Boolean);
  if (!facts.length) return null;
  return h("div", { class: "internal", role: "note", "aria-label": "Internal: staff only" },
    h("span", { class: "badge badge-internal" }, "internal"),
    h("dl", { class: "dates" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])));
}

function nextStep({ deal, zone, me }) {
  const waiting = deal.waiting_on || [];
  return h("section", { class: "card next", "aria-labelledby": "next-h" },
    h("h2", { id: "next-h" }, "What happens next"),
    h("p", { class: "stage-now" }, "Now: ", h("strong", {}, deal.stage_label)),
    h("p", {}, deal.next_step),
    waiting.length
      ? h("div", {}, h("h3", {}, "Who we are waiting on"),
        h("ul", {}, waiting.map((w) => h("li", {},
          h("strong", {}, w.user_id === me.id ? "You" : (w.name || words(w.role))),
          ` — ${w.open_items} open item${w.open_items === 1 ? "" : "s"}`,
          w.next_due_at ? `, next due ${when(w.next_due_at, zone)}` : ""))))
      : h("p", {}, "Nothing is waiting on anyone in this stage."));
}

function timeline({ deal, template: t, zone }) {
  const history = deal.stage_history || [];
  const reached = new Set(history.map((c) => c.to));
  const list = h("ol", { class: "timeline" });
  if (t) {
    const ladder = t.stages.filter((s) => !s.exit || s.key === deal.stage);
    let passedCurrent = false;
    for (const s of ladder) {
      const current = s.key === deal.stage;
      const state = current ? "current" : passedCurrent || !reached.has(s.key) ? "upcoming" : "done";
      if (current) passedCurrent = true;
      const entered = [...history].reverse().find((c) => c.to === s.key);
      list.append(h("li", { class: `step step-${state}`, "aria-current": current ? "step" : null },
        h("span", { class: "step-label" }, s.label),
        h("span", { class: "visually-hidden" }, ` (${state === "done" ? "done" : state === "current" ? "current stage" : "coming up"})`),
        entered && state !== "upcoming" ? h("span", { class: "hint" }, ` ${when(entered.at, zone)}`) : null));
    }
  }
  const changes = h("ul", { class: "history" }, [...history].reverse().map((c) =>
    h("li", {}, h("span", {}, c.summary), h("span", { class: "hint" }, ` · ${when(c.at, zone)} · ${c.by}`),
      c.reason ? h("span", { class: "hint" }, ` · reason: ${c.reason}${c.override ? " (override)" : ""}`) : null)));
  const dates = Object.entries(deal.key_dates || {});
  return h("section", { class: "card", "aria-labelledby": "timeline-h" },
    h("h2", { id: "timeline-h" }, "Timeline"),
    t ? list : null,
    dates.length ? h("details", {}, h("summary", {}, "Key dates"),
      h("dl", { class: "dates" }, dates.map(([k, v]) => [h("dt", {}, words(k)), h("dd", {}, day(v))]))) : null,
    h("details", {}, h("summary", {}, "Stage history"), changes));
}
