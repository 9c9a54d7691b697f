// Ops reports as tables, each with a simple bar chart drawn from the same numbers (the table is the
// accessible version; the chart is decoration for sighted users and hidden from screen readers).
import { api } from "../lib/api.js";
import { h, replace, link, when, words } from "../lib/dom.js";
import { errorBox, pageHeading, empty } from "../lib/ui.js";

export default async function reports(main) {
  const parts = ["time-in-stage", "activation", "overdue-tasks", "missing-documents"].map((name) => {
    const body = h("div", {}, h("p", {}, "Loading…"));
    load(name, body);
    return h("section", { class: "card", "aria-labelledby": `r-${name}` }, h("h2", { id: `r-${name}` }, words(name).replace(/^./, (c) => c.toUpperCase())), body);
  });
  replace(main, pageHeading("Reports", "Your organisation's open deals, as of now."), ...parts);
}

async function load(name, body) {
  try {
    const report = await api(`/v1/admin/reports/${name}`);
    body.replaceChildren(...RENDER[name](report));
  } catch (error) {
    body.replaceChildren(errorBox(error));
  }
}

function duration(seconds) {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

function bars(rows, valueOf, labelOf, shownOf = (r) => String(valueOf(r))) {
  const max = Math.max(1, ...rows.map(valueOf));
  return h("div", { class: "chart", "aria-hidden": "true" }, rows.map((r) =>
    h("div", { class: "bar-row" }, h("span", { class: "bar-label" }, labelOf(r)),
      sized(h("span", { class: "bar" }), Math.max(2, (valueOf(r) / max) * 100)),
      h("span", { class: "bar-value" }, shownOf(r)))));
}

function sized(bar, percent) {
  bar.style.width = `${percent}%`;  // CSSOM, not a style attribute: the CSP allows no inline styles
  return bar;
}

function table(caption, headers, rows) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", {}, h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((cell) => h("td", {}, cell)))))));
}

const dealLink = (item) => link(`/deals/${encodeURIComponent(item.deal_id)}`, item.deal_title);

const RENDER = {
  "time-in-stage": (r) => r.rows.length ? [
    bars(r.rows, (x) => x.median_seconds, (x) => `${x.workflow}: ${x.stage_label}`, (x) => duration(x.median_seconds)),
    table("Time spent in each stage (completed stays)", ["Workflow", "Stage", "Exits", "Median", "90th percentile"],
      r.rows.map((x) => [x.workflow, x.stage_label, x.exits, duration(x.median_seconds), duration(x.p90_seconds)])),
  ] : [empty("No deal has left a stage yet.")],
  activation: (r) => {
    const steps = Object.entries(r.funnel).map(([step, count]) => ({ step, count }));
    return [
      bars(steps, (x) => x.count, (x) => words(x.step)),
      table("Invitation funnel", ["Step", "People", "Share of invited"],
        steps.map((x) => [words(x.step), x.count, x.step === "invited" ? "100%" : `${Math.round((r.rates[x.step] || 0) * 100)}%`])),
      h("p", { class: "hint" }, `${r.expired_unaccepted} invitation(s) expired before being accepted.`),
    ];
  },
  "overdue-tasks": (r) => r.items.length ? [
    table(`${r.total} overdue task(s) across ${r.open_deals} open deals`, ["Deal", "Task", "Owner", "Due", "Days overdue"],
      r.items.map((x) => [dealLink(x), x.title, words(x.owner_role), when(x.due_at), x.days_overdue])),
  ] : [empty("No overdue tasks.")],
  "missing-documents": (r) => r.items.length ? [
    table(`${r.total} missing document(s) across ${r.open_deals} open deals`, ["Deal", "Document", "Status", "Due"],
      r.items.map((x) => [dealLink(x), x.label, words(x.status), x.due_at ? `${when(x.due_at)}${x.overdue ? " (overdue)" : ""}` : "—"])),
  ] : [empty("No missing documents.")],
};
