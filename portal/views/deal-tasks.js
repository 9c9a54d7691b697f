// Tasks: what is open, who owns it and when it is due; owners complete their own, the deal team also
// reassigns and re-dates (PATCH with If-Match: the version read).
import { api } from "../lib/api.js";
import { h, words, when, isPast, field, uid } from "../lib/dom.js";
import { act, badge, empty } from "../lib/ui.js";

export function tasksSection(ctx) {
  const { deal, me, staff } = ctx;
  const tasks = deal.tasks || [];
  const open = tasks.filter((t) => t.status === "open");
  const mine = open.filter((t) => t.owner_user_id === me.id);
  const others = open.filter((t) => t.owner_user_id !== me.id);
  const closed = tasks.filter((t) => t.status !== "open");
  const list = (items) => h("ul", { class: "items" }, items.map((t) => taskItem(ctx, t)));
  return h("section", { class: "card", "aria-labelledby": "tasks-h" },
    h("h2", { id: "tasks-h" }, staff ? "Tasks" : "Your tasks"),
    staff ? (open.length ? list(open) : empty("No open tasks.")) : (mine.length ? list(mine) : empty("Nothing to do right now.")),
    !staff && others.length ? h("details", {}, h("summary", {}, `What others are doing (${others.length})`), list(others)) : null,
    closed.length ? h("details", {}, h("summary", {}, `Finished (${closed.length})`), list(closed)) : null);
}

function ownerName(deal, task) {
  const party = deal.parties.find((p) => p.user_id === task.owner_user_id);
  return party ? party.name : words(task.owner_role);
}

function taskItem(ctx, task) {
  const { deal, me, staff, zone } = ctx;
  const mine = task.owner_user_id === me.id;
  const overdue = task.status === "open" && isPast(task.due_at);
  const slot = h("div");
  const patch = (body, said) => api(`${ctx.path}/tasks/${encodeURIComponent(task.id)}`, {
    method: "PATCH", body, version: task.version,
  }).then(() => ctx.reload(said));
  const actions = [];
  if (task.status === "open" && (mine || staff)) actions.push(completeForm(task, patch, slot));
  if (task.status === "open" && staff) {
    actions.push(h("details", {}, h("summary", {}, `Change owner or due date of “${task.title}”`),
      redateForm(task, zone, patch, slot), reassignForm(deal, task, patch, slot)));
  }
  return h("li", { class: "item" },
    h("div", { class: "item-head" }, h("strong", {}, task.title), " ", badge(task.status),
      task.visibility === "internal" ? h("span", { class: "badge badge-internal" }, "internal") : null),
    h("p", { class: "hint" }, `${mine ? "You" : ownerName(deal, task)} · `,
      h("span", { class: overdue ? "overdue" : "" }, task.due_at ? `${overdue ? "overdue, was due" : "due"} ${when(task.due_at, zone)}` : "no due date")),
    task.proof?.note ? h("p", { class: "hint" }, `Note: ${task.proof.note}`) : null,
    actions.length ? h("div", { class: "actions" }, actions) : null,
    slot);
}

function completeForm(task, patch, slot) {
  const note = h("input", { type: "text", name: "note", required: task.proof_required === "note", maxlength: "2000" });
  const button = h("button", { type: "submit" }, "Mark done");
  const proofDocument = task.proof_required === "document";
  return h("form", { class: "inline", onsubmit: (event) => {
    event.preventDefault();
    const body = { status: "done" };
    if (note.value.trim()) body.proof = { note: note.value.trim() };
    act(button, slot, () => patch(body, `“${task.title}” is done.`));
  } },
  proofDocument ? h("p", { class: "hint" }, "Needs a document as proof: upload it under Documents first.") : null,
  field(task.proof_required === "note" ? `Note for “${task.title}” (required)` : `Note for “${task.title}” (optional)`, note),
  button);
}

function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function redateForm(task, zone, patch, slot) {
  const input = h("input", { type: "datetime-local", value: toLocalInput(task.due_at), required: true });
  const button = h("button", { type: "submit" }, "Change due date");
  return h("form", { class: "inline", onsubmit: (event) => {
    event.preventDefault();
    const due = new Date(input.value).toISOString();
    act(button, slot, () => patch({ due_at: due }, `Due date changed for “${task.title}”.`));
  } }, field(`New due date for “${task.title}” (your time)`, input), button);
}

function reassignForm(deal, task, patch, slot) {
  const select = h("select", { id: uid("owner") },
    deal.parties.filter((p) => p.status !== "revoked").map((p) =>
      h("option", { value: p.user_id, selected: p.user_id === task.owner_user_id }, `${p.name} (${words(p.role)})`)));
  const button = h("button", { type: "submit" }, "Reassign");
  return h("form", { class: "inline", onsubmit: (event) => {
    event.preventDefault();
    act(button, slot, () => patch({ owner_user_id: select.value }, `“${task.title}” reassigned.`));
  } }, field(`Owner of “${task.title}”`, select), button);
}
