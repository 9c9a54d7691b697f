// "Move to the newer template version" (docs/TEMPLATES.md): for admins and coordinators, on a deal that runs
// one of the org's templates with a newer version published. A dry run first shows what would change; then
// the same move for real, conditioned on the deal's version.
import { api } from "../lib/api.js";
import { h, when } from "../lib/dom.js";
import { act } from "../lib/ui.js";

export function templateSection(ctx) {
  const { deal } = ctx;
  if (!deal.template_id || deal.terminal) return null;
  const section = h("section", { class: "card", "aria-labelledby": "tpl-h" }, h("h2", { id: "tpl-h" }, "Template version"));
  const slot = h("div");
  const plan = h("div", { "aria-live": "polite" });
  api(`/v1/admin/templates/${encodeURIComponent(deal.template_id)}/versions`).then((found) => {
    const newest = found.items.at(-1);
    if (!newest || newest.version <= deal.template_version) {
      section.append(h("p", { class: "hint" }, `This deal runs ${newest?.name || "its template"} version ${deal.template_version}, the newest.`));
      return;
    }
    const body = { version: newest.version, template_id: deal.template_id };
    const apply = h("button", { type: "button", class: "primary", onclick: () => act(apply, slot, async () => {
      await api(`${ctx.path}/template-migration`, { method: "POST", body: { ...body, dry_run: false }, version: deal.version });
      await ctx.reload(`The deal moved to version ${newest.version}.`);
    }) }, `Apply: move to version ${newest.version}`);
    const dry = h("button", { type: "button", onclick: () => act(dry, slot, async () => {
      const moved = await api(`${ctx.path}/template-migration`, { method: "POST", body: { ...body, dry_run: true } });
      plan.replaceChildren(changes(moved, ctx.zone), apply);
    }, "Here is what would change.") }, "Move to the newer template version");
    section.append(h("p", {}, `This deal runs ${newest.name} version ${deal.template_version}; version ${newest.version} was published ${when(newest.published_at, ctx.zone)}.`),
      h("p", { class: "hint" }, "First see what would change; nothing changes until you apply it. Done and approved items never change."),
      dry, plan, slot);
  }).catch(() => section.append(h("p", { class: "hint" }, "The template's versions could not be read; reload the page.")));
  return section;
}

function changes(moved, zone) {
  const list = (title, items, say) => (items.length
    ? [h("h3", {}, `${title} (${items.length})`), h("ul", {}, items.map((i) => h("li", {}, say(i))))] : []);
  const kind = (i) => (i.kind === "task" ? "Task" : "Document");
  const dates = Object.entries(moved.key_dates_added || {});
  const parts = [
    ...list("Added", moved.added, (i) => `${kind(i)}: ${i.title}${i.due_at ? `, due ${when(i.due_at, zone)}` : ""}`),
    ...list("Re-dated", moved.redated, (i) => `${kind(i)}: ${i.title}, from ${when(i.from_due_at, zone)} to ${when(i.due_at, zone)}`),
    ...list("Cancelled", moved.cancelled, (i) => `${kind(i)}: ${i.title}`),
    ...list("Key dates added", dates, ([name, date]) => `${name.replaceAll("_", " ")}: ${date}`),
  ];
  return h("div", {}, h("h3", {}, `Moving from version ${moved.from_template.version} to ${moved.to_template.version}`),
    parts.length ? parts : h("p", {}, "Nothing on the deal would change; only its version would."));
}
