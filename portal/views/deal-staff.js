// The deal team's tools: move the deal (definition of done; override with a reason), invite the deal's
// account's members, the activity log and its export.
import { api } from "../lib/api.js";
import { h, replace, words, when, field, link } from "../lib/dom.js";
import { act, badge } from "../lib/ui.js";
import { templateSection } from "./deal-template.js";

const ACCESS_ROLES = ["client", "co_client", "vendor", "lender", "title", "attorney"];

export function staffSections(ctx) {
  return [transitionSection(ctx), ctx.canOverride ? templateSection(ctx) : null, ctx.deal.account_id ? accountSection(ctx) : null, activitySection(ctx)];
}

// POST /v1/deals/{id}/account-access: every member of the deal's account not yet a party is invited with
// one role; the answer says who was invited and who already was (docs/ACCOUNTS.md).
function accountSection(ctx) {
  const { deal } = ctx;
  const slot = h("div");
  const result = h("div", { "aria-live": "polite" });
  const role = h("select", {}, ACCESS_ROLES.map((r) => h("option", { value: r }, words(r))));
  const button = h("button", { type: "submit" }, "Invite the account's members");
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    act(button, slot, async () => {
      const granted = await api(`${ctx.path}/account-access`, { method: "POST", body: { role: role.value }, idempotent: true });
      const account = await api(`/v1/accounts/${encodeURIComponent(granted.account_id)}`).catch(() => null);
      const named = (id) => account?.members.find((m) => m.id === id)?.name || "a member";
      replace(result,
        h("h3", {}, granted.invited.length ? `Invited as ${words(granted.role)} (${granted.invited.length})` : "Nobody new was invited"),
        granted.invited.length ? h("ul", {}, granted.invited.map((i) => h("li", {}, `${named(i.member_id)} (${i.email}) — ${words(i.status)}`))) : null,
        granted.already_parties.length
          ? [h("h3", {}, `Already on the deal (${granted.already_parties.length})`), h("ul", {}, granted.already_parties.map((id) => h("li", {}, named(id))))]
          : null);
    }, "The account's members were invited.");
  } }, field("Their role on this deal", role), button);
  return h("section", { class: "card", "aria-labelledby": "acc-access-h" }, h("h2", { id: "acc-access-h" }, "The deal's account"),
    h("p", {}, "This deal belongs to an account: ", link(`/staff/accounts/${encodeURIComponent(deal.account_id)}`, "open the account"), "."),
    h("p", { class: "hint" }, "Invites every member who is not on the deal yet, each by email, in one step."),
    form, slot, result);
}

function doneWhen(ctx, stage) {
  const { deal } = ctx;
  const docs = stage.done_when.documents_approved.map((d) => {
    const request = deal.document_requests.find((r) => r.type === d.type && r.status !== "cancelled");
    const status = request ? request.status : "not requested";
    return { text: d.label, met: status === "approved", status };
  });
  const tasks = stage.done_when.tasks_done.map((t) => {
    const task = deal.tasks.find((x) => x.title === t.title && x.status !== "cancelled");
    const status = task ? task.status : "missing";
    return { text: t.title, met: status === "done", status };
  });
  return [...docs, ...tasks];
}

function transitionSection(ctx) {
  const { deal, template: t } = ctx;
  const slot = h("div");
  if (deal.terminal) {
    return h("section", { class: "card", "aria-labelledby": "move-h" }, h("h2", { id: "move-h" }, "Stage"),
      h("p", {}, `This deal is ${deal.stage_label}; it is closed.`));
  }
  const stages = t ? t.stages : [];
  const here = stages.findIndex((s) => s.key === deal.stage);
  const next = stages.slice(here + 1).find((s) => !s.exit);
  const exits = stages.filter((s) => s.exit);
  const current = stages[here];
  const checklist = current ? doneWhen(ctx, current) : [];
  const target = h("select", {}, [next, ...exits].filter(Boolean).map((s) =>
    h("option", { value: s.key }, s.exit ? `${s.label} (ends the deal)` : s.label)));
  const reason = h("input", { type: "text", maxlength: "1000" });
  const override = h("input", { type: "checkbox" });
  const button = h("button", { type: "submit", class: "primary" }, "Move the deal");
  const form = h("form", { onsubmit: (event) => {
    event.preventDefault();
    const body = { to: target.value };
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (override.checked) body.override = true;
    act(button, slot, () => api(`${ctx.path}/transitions`, { method: "POST", body, version: deal.version })
      .then(() => ctx.reload("The deal moved to its next stage.")));
  } },
  field("Move to", target),
  field("Reason", reason, "Required to override, or to end the deal."),
  ctx.canOverride ? h("label", { class: "check" }, override, " Override: move even though the definition of done is not met") : null,
  button);
  return h("section", { class: "card", "aria-labelledby": "move-h" },
    h("h2", { id: "move-h" }, "Move the deal"),
    current ? h("h3", {}, `To leave “${current.label}”`) : null,
    checklist.length
      ? h("ul", { class: "checklist" }, checklist.map((c) => h("li", { class: c.met ? "met" : "unmet" },
        h("span", { "aria-hidden": "true" }, c.met ? "✓ " : "○ "), c.text, " ", badge(c.status.replaceAll(" ", "_")),
        h("span", { class: "visually-hidden" }, c.met ? " (met)" : " (not met)"))))
      : h("p", {}, "Nothing is required to leave this stage."),
    next || exits.length ? form : null,
    slot);
}

function activitySection(ctx) {
  const list = h("ol", { class: "activity" });
  const more = h("div");
  const slot = h("div");
  async function page(cursor) {
    const query = new URLSearchParams({ limit: "20" });
    if (cursor) query.set("cursor", cursor);
    const found = await api(`${ctx.path}/activity?${query}`);
    list.append(...found.items.map((e) => h("li", {},
      h("span", {}, e.summary), h("span", { class: "hint" }, ` · ${e.actor.label} · ${when(e.at, ctx.zone)}`),
      e.visibility && e.visibility !== "parties" ? h("span", { class: "hint" }, ` · ${words(e.visibility)}`) : null)));
    more.replaceChildren();
    if (found.next_cursor) {
      const button = h("button", { type: "button", onclick: () => act(button, slot, () => page(found.next_cursor)) }, "Show older activity");
      more.append(button);
    }
  }
  const format = h("select", {}, h("option", { value: "csv" }, "CSV (spreadsheet)"), h("option", { value: "jsonl" }, "JSON Lines"));
  const exportButton = h("button", { type: "submit" }, "Export the log");
  const exported = h("div", { "aria-live": "polite" });
  const exportForm = ctx.canOverride ? h("form", { class: "inline", onsubmit: (event) => {
    event.preventDefault();
    act(exportButton, slot, async () => {
      const done = await api(`/v1/admin/deals/${encodeURIComponent(ctx.deal.id)}/activity-export`, { method: "POST", body: { format: format.value } });
      exported.replaceChildren(h("a", { href: done.url, download: "", rel: "noopener" }, `Download ${done.count} events (${done.format})`),
        h("span", { class: "hint" }, ` · link valid until ${when(done.expires_at, ctx.zone)}`));
    });
  } }, field("Export format", format), exportButton) : null;
  const section = h("section", { class: "card", "aria-labelledby": "log-h" },
    h("h2", { id: "log-h" }, "Activity log"), list, more, exportForm, exported, slot);
  page(null).catch(() => list.replaceChildren(h("li", {}, "The activity log could not be loaded; reload the page.")));
  return section;
}
