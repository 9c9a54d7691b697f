// The org's pipeline: one workflow at a time, deals grouped by stage in the template's order,
// longest in stage first.
import { api } from "../lib/api.js";
import { h, replace, link, field } from "../lib/dom.js";
import { errorBox, pageHeading, empty } from "../lib/ui.js";

export default async function pipeline(main) {
  const { items: workflows } = await api("/v1/workflows");
  const chosen = new URLSearchParams(location.search).get("workflow") || workflows[0]?.workflow;
  const select = h("select", { onchange: () => { history.replaceState(null, "", `?workflow=${select.value}`); show(select.value); } },
    workflows.map((w) => h("option", { value: w.workflow, selected: w.workflow === chosen }, w.title)));
  const board = h("div", { class: "board" });
  replace(main, pageHeading("Pipeline", "Deals by stage; the longest waiting first."), field("Workflow", select), board);
  await show(chosen);

  async function show(workflow) {
    board.replaceChildren(h("p", {}, "Loading…"));
    try {
      const w = workflows.find((x) => x.workflow === workflow);
      const [template, deals] = await Promise.all([
        api(`/v1/workflows/${workflow}/versions/${w.version}`),
        all(`/v1/admin/pipeline?workflow=${workflow}`),
      ]);
      const columns = template.stages.map((s) => {
        const here = deals.filter((d) => d.stage === s.key);
        return h("section", { class: "column", "aria-labelledby": `col-${s.key}` },
          h("h2", { id: `col-${s.key}` }, `${s.label} `, h("span", { class: "count" }, `(${here.length})`)),
          here.length ? h("ul", {}, here.map((d) => h("li", { class: "card" },
            link(`/deals/${encodeURIComponent(d.id)}`, d.title),
            h("p", { class: "hint" }, `${d.days_in_stage} day${d.days_in_stage === 1 ? "" : "s"} in stage`)))) : empty("None"));
      });
      board.replaceChildren(...columns);
    } catch (error) {
      board.replaceChildren(errorBox(error));
    }
  }
}

async function all(path) {
  const items = [];
  let cursor = null;
  do {
    const found = await api(`${path}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...found.items);
    cursor = found.next_cursor;
  } while (cursor && items.length < 1000);
  return items;
}
