"""A deal's plan: the tasks and document requests its template instantiates, who owns them and when
they fall due, the definition of done of a stage, and what a key-date change or a stage change moves.

Pure functions over a Workspace: they return the records to create or the (before, after) pairs to write;
services commit them in one transaction with their activity event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from chalicelib import ids
from chalicelib.clock import iso
from chalicelib.domain.entities import Deal, DocumentRequest, Party, Task, changed_fields
from chalicelib.domain.errors import Invalid
from chalicelib.domain.roles import PartyStatus, Visibility
from chalicelib.domain.workflows import (
    STAGE_ENTRY,
    DocumentTemplate,
    DueRule,
    TaskTemplate,
    WorkflowTemplate,
    find_cycle,
)

OPEN_TASK = "open"
OPEN_REQUEST_STATUSES = frozenset({"requested", "submitted", "rejected"})
SATISFIED_TASK_STATUSES = frozenset({"done", "cancelled"})  # a cancelled prerequisite no longer blocks

R = TypeVar("R", Task, DocumentRequest)
Change = tuple[R, R]


def is_open(record: Task | DocumentRequest) -> bool:
    if isinstance(record, Task):
        return record.status == OPEN_TASK
    return record.status in OPEN_REQUEST_STATUSES


def _users_with(parties: Iterable[Party], roles: Iterable[str]) -> list[str]:
    wanted = set(roles)
    return [p.user_id for p in parties if p.status is not PartyStatus.REVOKED and p.role.value in wanted]


def _rule(record: Task | DocumentRequest) -> DueRule | None:
    return DueRule(**record.due_rule) if record.due_rule else None


# -- instantiation ----------------------------------------------------------------------------------


def instantiate(
    template: WorkflowTemplate, deal: Deal, parties: list[Party], now: datetime
) -> tuple[list[Task], list[DocumentRequest]]:
    """Every task and document request of the template, owned and dated for this deal."""
    task_ids = {t.key: ids.new_id("tk") for t in template.tasks}
    entered = {deal.stage: now}
    tasks = [_task_from(t, task_ids, deal, parties, entered, now) for t in template.tasks]
    requests = [_request_from(d, deal, parties, entered, now) for d in template.documents]
    return tasks, requests


def _task_from(
    t: TaskTemplate,
    task_ids: Mapping[str, str],
    deal: Deal,
    parties: list[Party],
    entered: Mapping[str, datetime],
    now: datetime,
) -> Task:
    owners = _users_with(parties, [t.owner_role])
    owner = owners[0] if owners else None
    return Task(
        deal_id=deal.deal_id,
        task_id=task_ids[t.key],
        title=t.title,
        stage=t.stage,
        owner_role=t.owner_role,
        status=OPEN_TASK,
        visibility=t.visibility,
        created_at=now,
        owner_user_id=owner,
        due_at=t.due.due_at(deal.key_dates, entered.get(t.stage), deal.time_zone) if t.due else None,
        depends_on=[task_ids[d] for d in t.depends_on],
        restricted_to=[owner] if owner and t.visibility is Visibility.RESTRICTED else [],
        proof_required=t.proof,
        template_key=t.key,
        due_rule=t.due.as_dict() if t.due else None,
        work_order=t.work_order,
        assignment="pending" if t.work_order and owner else None,
        org_id=deal.org_id,
        workflow=deal.workflow,
    )


def _request_from(
    d: DocumentTemplate, deal: Deal, parties: list[Party], entered: Mapping[str, datetime], now: datetime
) -> DocumentRequest:
    return DocumentRequest(
        deal_id=deal.deal_id,
        request_id=ids.new_id("rq"),
        type=d.type,
        label=d.label,
        status="requested",
        visibility=d.visibility,
        created_at=now,
        required=d.required,
        stage=d.stage,
        due_at=d.due.due_at(deal.key_dates, entered.get(d.stage), deal.time_zone) if d.due else None,
        target_user_ids=_users_with(parties, d.uploader_roles),
        restricted_to=_users_with(parties, d.viewer_roles),
        accepted_types=list(d.accepted_types),
        max_bytes=d.max_bytes,
        template_key=d.key,
        due_rule=d.due.as_dict() if d.due else None,
        org_id=deal.org_id,
        workflow=deal.workflow,
    )


def assign_new_party(
    template: WorkflowTemplate, tasks: list[Task], requests: list[DocumentRequest], party: Party
) -> tuple[list[Change[Task]], list[Change[DocumentRequest]]]:
    """A party joining takes the open, unowned tasks of their role, and is targeted by (or may view)
    the open template requests their role uploads (or views)."""
    role = party.role.value
    task_changes: list[Change[Task]] = []
    for task in tasks:
        if is_open(task) and task.owner_user_id is None and task.owner_role == role:
            after = dataclasses.replace(
                task,
                owner_user_id=party.user_id,
                restricted_to=[party.user_id]
                if task.visibility is Visibility.RESTRICTED
                else task.restricted_to,
                assignment="pending" if task.work_order else task.assignment,
            )
            task_changes.append((task, after))
    by_key = {d.key: d for d in template.documents}
    request_changes: list[Change[DocumentRequest]] = []
    for request in requests:
        doc = by_key.get(request.template_key or "")
        if doc is None or not is_open(request):
            continue
        targets = _with(request.target_user_ids, party.user_id, role in doc.uploader_roles)
        viewers = _with(request.restricted_to, party.user_id, role in doc.viewer_roles)
        if targets != request.target_user_ids or viewers != request.restricted_to:
            request_changes.append(
                (request, dataclasses.replace(request, target_user_ids=targets, restricted_to=viewers))
            )
    return task_changes, request_changes


def _with(users: list[str], user_id: str, wanted: bool) -> list[str]:
    return [*users, user_id] if wanted and user_id not in users else list(users)


# -- definition of done -----------------------------------------------------------------------------


def unmet(
    template: WorkflowTemplate, stage_key: str, tasks: list[Task], requests: list[DocumentRequest]
) -> list[dict[str, Any]]:
    """What stands between the deal and leaving `stage_key`. A required item that staff cancelled is
    waived; a document counts once one of its requests is approved (docs/WORKFLOWS.md)."""
    stage = template.stage(stage_key)
    missing: list[dict[str, Any]] = []
    for doc_type in stage.done_documents:
        of_type = [r for r in requests if r.type == doc_type]
        live = [r for r in of_type if r.status != "cancelled"]
        if (of_type and not live) or any(r.status == "approved" for r in live):
            continue
        label = live[0].label if live else next(d.label for d in template.documents if d.type == doc_type)
        entry: dict[str, Any] = {"kind": "document", "type": doc_type, "label": label}
        entry.update(
            {"request_id": live[0].request_id, "status": live[0].status} if live else {"status": "missing"}
        )
        missing.append(entry)
    for key in stage.done_tasks:
        of_key = [t for t in tasks if t.template_key == key]
        if (of_key and all(t.status == "cancelled" for t in of_key)) or any(
            t.status == "done" for t in of_key
        ):
            continue
        title = of_key[0].title if of_key else template.task(key).title
        entry = {"kind": "task", "key": key, "title": title}
        entry.update(
            {"task_id": of_key[0].task_id, "status": of_key[0].status} if of_key else {"status": "missing"}
        )
        missing.append(entry)
    return missing


def describe(missing: list[dict[str, Any]]) -> list[str]:
    """The unmet items as a stage change records them: short, human, stable."""
    return [f"{m['kind']}: {m.get('label') or m.get('title')} ({m['status']})" for m in missing]


# -- moving dates and stages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Moved:
    kind: str  # task | document_request
    id: str
    title: str
    before: datetime | None
    after: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "from": _iso(self.before),
            "to": _iso(self.after),
        }


def _iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None


def moved(change: Change[Task] | Change[DocumentRequest]) -> Moved:
    before, after = change
    if isinstance(after, Task):
        return Moved("task", after.task_id, after.title, before.due_at, after.due_at)
    return Moved("document_request", after.request_id, after.label, before.due_at, after.due_at)


def redate(
    deal_after: Deal, changed: Iterable[str], tasks: list[Task], requests: list[DocumentRequest]
) -> tuple[list[Change[Task]], list[Change[DocumentRequest]]]:
    """Open items derived from a changed key date, re-dated from the new dates. Done items stay."""
    names = set(changed)

    def shifted(record: R) -> R | None:
        rule = _rule(record)
        if rule is None or rule.anchor not in names or not is_open(record):
            return None
        due = rule.due_at(deal_after.key_dates, None, deal_after.time_zone)
        return dataclasses.replace(record, due_at=due) if due != record.due_at else None

    return _changes(tasks, shifted), _changes(requests, shifted)


def enter_stage(
    stage_key: str, at: datetime, deal: Deal, tasks: list[Task], requests: list[DocumentRequest]
) -> tuple[list[Change[Task]], list[Change[DocumentRequest]]]:
    """Items of the entered stage that fall due some days after entry get their due date now."""

    def dated(record: R) -> R | None:
        rule = _rule(record)
        if rule is None or rule.anchor != STAGE_ENTRY or record.stage != stage_key or not is_open(record):
            return None
        return dataclasses.replace(record, due_at=rule.due_at(deal.key_dates, at, deal.time_zone))

    return _changes(tasks, dated), _changes(requests, dated)


def close_out(
    tasks: list[Task], requests: list[DocumentRequest]
) -> tuple[list[Change[Task]], list[Change[DocumentRequest]]]:
    """A terminal stage cancels every open task and request (kept, never deleted); reminders stop."""

    def cancelled(record: R) -> R | None:
        return dataclasses.replace(record, status="cancelled") if is_open(record) else None

    return _changes(tasks, cancelled), _changes(requests, cancelled)


def updated[R: (Task, DocumentRequest)](records: list[R], changes: Iterable[Change[R]]) -> list[R]:
    """The records as they stand after `changes` (a record changed twice keeps both changes)."""
    newest: dict[int, R] = {}
    for before, after in changes:
        newest[id(before)] = dataclasses.replace(
            newest.get(id(before), before), **changed_fields(before, after)
        )
    return [newest.get(id(r), r) for r in records]


def _changes[R: (Task, DocumentRequest)](records: list[R], change: Any) -> list[Change[R]]:
    out: list[Change[R]] = []
    for record in records:
        after = change(record)
        if after is not None:
            out.append((record, after))
    return out


# -- the task graph -----------------------------------------------------------------------------------


def check_dependencies(tasks: list[Task], task_id: str, depends_on: list[str]) -> None:
    """`task_id` may depend on `depends_on` only if they exist, it is not itself among them, and no
    cycle results."""
    known = {t.task_id for t in tasks}
    unknown = sorted(set(depends_on) - known)
    if unknown:
        raise Invalid(
            "depends_on names tasks this deal does not have",
            code="unknown_dependency",
            details={"unknown": unknown},
        )
    if task_id in depends_on:
        raise Invalid("a task cannot depend on itself", code="dependency_cycle", details={"cycle": [task_id]})
    graph = {t.task_id: list(t.depends_on) for t in tasks}
    graph[task_id] = list(depends_on)
    cycle = find_cycle(graph)
    if cycle:
        raise Invalid(
            "these dependencies would form a cycle", code="dependency_cycle", details={"cycle": cycle}
        )


def open_dependencies(task: Task, tasks: list[Task]) -> list[Task]:
    by_id = {t.task_id: t for t in tasks}
    return [
        by_id[d] for d in task.depends_on if d in by_id and by_id[d].status not in SATISFIED_TASK_STATUSES
    ]


def key_dates_changed(before: Mapping[str, date], after: Mapping[str, date]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
