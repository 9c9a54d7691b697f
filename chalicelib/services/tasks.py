"""Tasks of a deal: list what the caller may see, add one, and change one (assign, re-date, complete
with proof, cancel, reopen; a vendor accepts or declines a work order).

Who may change what (PRODUCT.md §1): the deal team changes anything; anyone else may only complete a
task they own, and a vendor answer a work order they own. A task the caller cannot see answers 404.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain import plan, workflows
from chalicelib.domain.access import Action, Caller, DealAccess
from chalicelib.domain.entities import ActivityEvent, Deal, Party, Task
from chalicelib.domain.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyStatus, Visibility
from chalicelib.domain.views import task_visible
from chalicelib.services.access import deal_header_access
from chalicelib.services.activity import deal_event
from chalicelib.store import cursors
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store import plan as plan_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import NewTask, ProofIn, TaskPatch

OWNER_FIELDS = frozenset({"status", "proof"})  # what an owner outside the deal team may send
WORK_ORDER_FIELDS = frozenset({"response", "reason"})
MAX_ID_LENGTH = 64  # an id longer than any we issue is not read at all (404)


@dataclass(frozen=True)
class DealTeam:
    """What a task write reads of its deal: the deal and its parties (one Query). The tasks it needs
    beyond the one it changes are read by the rule that needs them, never the whole workspace."""

    deal: Deal
    parties: list[Party]

    def party(self, user_id: str) -> Party | None:
        return next((p for p in self.parties if p.user_id == user_id), None)


@dataclass(frozen=True)
class TaskPage:
    items: list[Task]
    next_cursor: str | None
    visible_ids: set[str]  # every task the caller sees: dependencies on others are not shown


def list_tasks(
    caller: Caller, deal_id: str, *, status: str | None, limit: int, cursor: str | None
) -> TaskPage:
    """The tasks the caller may see, soonest due first: the deal's task prefix (one Query), paged in
    memory after the authorization read."""
    if status not in (None, "open", "done", "cancelled"):
        raise Invalid("status must be open, done or cancelled", code="invalid_status")
    _, _, access = deal_header_access(caller, deal_id)
    seen = [t for t in plan_store.deal_tasks(deal_id) if task_visible(t, access)]
    visible = sorted(
        (t for t in seen if status in (None, t.status)),
        key=lambda t: (t.due_at is None, t.due_at or clock.now(), t.title),
    )
    scope = f"tasks:{deal_id}:{caller.user_id}:{status}"
    start = cursors.decode(scope, cursor)
    offset = int(start.get("offset", 0)) if start else 0
    page = visible[offset : offset + limit]
    more = offset + limit < len(visible)
    next_cursor = cursors.encode(scope, {"offset": offset + limit} if more else None)
    return TaskPage(page, next_cursor, {t.task_id for t in seen})


def get_task(caller: Caller, deal_id: str, task_id: str) -> tuple[Task, set[str]]:
    """One task the caller may see (404 otherwise), and the ids of every task they see: the authorization
    read and the deal's task prefix, as the list reads them."""
    _, _, access = deal_header_access(caller, deal_id)
    seen = {t.task_id: t for t in plan_store.deal_tasks(deal_id) if task_visible(t, access)}
    if task_id not in seen:
        raise NotFound("task not found")
    return seen[task_id], set(seen)


def _team(caller: Caller, deal_id: str) -> tuple[DealTeam, DealAccess]:
    deal, parties, access = deal_header_access(caller, deal_id)
    return DealTeam(deal, parties), access


def _open_deal(ws: DealTeam) -> workflows.WorkflowTemplate:
    template = workflows.of_deal(ws.deal)
    stage = template.stage(ws.deal.stage)
    if stage.terminal:
        raise Conflict(
            f"this deal is {stage.label.lower()}; its tasks can no longer change", code="deal_closed"
        )
    return template


def _check_people(ws: DealTeam, user_ids: list[str], what: str) -> None:
    current = {p.user_id for p in ws.parties if p.status is not PartyStatus.REVOKED}
    unknown = sorted(set(user_ids) - current)
    if unknown:
        raise Invalid(
            f"{what} must be parties of this deal", code="not_a_party", details={"unknown": unknown}
        )


def create_task(caller: Caller, deal_id: str, command: NewTask) -> tuple[Task, DealAccess]:
    ws, access = _team(caller, deal_id)
    access.require(Action.MANAGE_TASKS)
    template = _open_deal(ws)
    stage = command.stage or ws.deal.stage
    template.stage(stage)  # an unknown stage is a 422
    owner = ws.party(command.owner_user_id) if command.owner_user_id else None
    _check_people(
        ws,
        [*([command.owner_user_id] if command.owner_user_id else []), *command.restricted_to],
        "owners and viewers",
    )
    task_id = ids.new_id("tk")
    # nothing depends on a new task, so no cycle can pass through it: its dependencies need only exist
    depends_on = list(command.depends_on)
    plan.check_dependencies(plan_store.load_tasks(deal_id, depends_on), task_id, depends_on)
    now = clock.now()
    owner_role = (
        command.owner_role.value if command.owner_role else (owner.role.value if owner else "coordinator")
    )
    task = Task(
        deal_id=ws.deal.deal_id,
        task_id=task_id,
        title=command.title,
        stage=stage,
        owner_role=owner_role,
        status=plan.OPEN_TASK,
        visibility=command.visibility,
        created_at=now,
        owner_user_id=command.owner_user_id,
        due_at=command.due_at,
        depends_on=list(command.depends_on),
        restricted_to=_viewers(command.visibility, command.restricted_to, command.owner_user_id),
        proof_required=command.proof,
        org_id=ws.deal.org_id,
        workflow=ws.deal.workflow,
    )
    uow = UnitOfWork()
    plan_store.add_task(uow, task)
    deal_store.touch(uow, ws.deal, ws.parties, now)
    uow.record(
        _task_event(
            caller,
            ws.deal,
            task,
            EventType.TASK_CREATED,
            f"{caller.label} added the task “{task.title}”",
            owner_user_id=task.owner_user_id,
            owner_role=task.owner_role,
            due_at=_iso(task.due_at),
        )
    )
    uow.commit()
    return task, access


def _viewers(visibility: Visibility, restricted_to: list[str], owner: str | None) -> list[str]:
    if visibility is not Visibility.RESTRICTED:
        return []
    return sorted({*restricted_to, *([owner] if owner else [])})


def change_task(
    caller: Caller, deal_id: str, task_id: str, patch: TaskPatch, expected_version: int
) -> tuple[Task, DealAccess]:
    ws, access = _team(caller, deal_id)
    found = plan_store.load_task(deal_id, task_id) if len(task_id) <= MAX_ID_LENGTH else None
    before = found if found is not None and task_visible(found, access) else None
    if before is None:
        raise NotFound("task not found")
    _authorize(access, before, patch)
    _open_deal(ws)
    if before.version != expected_version:
        raise PreconditionFailed(
            f"the task is at version {before.version}, not {expected_version}; reload it"
        )
    now = clock.now()
    after, events = _apply(caller, ws, before, patch, now)
    if after == before:
        return before, access
    after = dataclasses.replace(after, version=before.version + 1)
    uow = UnitOfWork()
    plan_store.change_task(uow, before, after, versioned=True)
    for released_before, released_after in _released_work_orders(ws, before, after):
        plan_store.change_task(uow, released_before, released_after)
    deal_store.touch(uow, ws.deal, ws.parties, now)
    for event in events:
        uow.record(event)
    uow.commit()
    return after, access


def _authorize(access: DealAccess, task: Task, patch: TaskPatch) -> None:
    if access.allows(Action.MANAGE_TASKS):
        return
    if task.owner_user_id != access.user_id:
        raise Forbidden("only the deal team or the task's owner may change it", code="not_your_task")
    allowed = OWNER_FIELDS | (WORK_ORDER_FIELDS if task.work_order else frozenset())
    extra = sorted(patch.model_fields_set - allowed)
    if patch.status not in (None, "done"):
        extra.append("status")
    if extra:
        raise Forbidden(
            "you may complete your own task; the deal team changes the rest",
            code="owner_may_only_complete",
            details={"fields": extra},
        )


def _apply(
    caller: Caller, ws: DealTeam, before: Task, patch: TaskPatch, now: datetime
) -> tuple[Task, list[ActivityEvent]]:
    """The task after the patch, and the activity events that tell what happened."""
    given = patch.model_fields_set
    task = before
    events: list[ActivityEvent] = []

    def event(type: EventType, summary: str, **data: Any) -> None:
        events.append(_task_event(caller, ws.deal, task, type, summary, **data))

    if given & {"title", "visibility", "restricted_to", "depends_on"}:
        task, changes = _reshaped(ws, task, patch)
        if changes:
            event(EventType.TASK_UPDATED, f"{caller.label} updated the task “{task.title}”", changes=changes)
    if "owner_user_id" in given and patch.owner_user_id != task.owner_user_id:
        task = _assigned(ws, task, patch.owner_user_id)
        event(
            EventType.TASK_ASSIGNED,
            f"{caller.label} assigned “{task.title}” to {_name(ws, task.owner_user_id)}",
            owner_user_id=task.owner_user_id,
            owner_role=task.owner_role,
            due_at=_iso(task.due_at),
        )
    if "due_at" in given and patch.due_at != task.due_at:
        old = task.due_at
        # a date set by hand no longer follows the key date it was derived from
        task = dataclasses.replace(task, due_at=patch.due_at, due_rule=None)
        event(
            EventType.TASK_REDATED,
            f"{caller.label} moved the due date of “{task.title}”",
            **{"from": _iso(old), "to": _iso(task.due_at)},
        )
    if "response" in given:
        task = _answered(ws, task, patch, now)
        accepted = task.assignment == "accepted"
        event(
            EventType.TASK_ACCEPTED if accepted else EventType.TASK_DECLINED,
            f"{caller.label} {'accepted' if accepted else 'declined'} the work order “{task.title}”",
            **({} if accepted else {"reason": patch.reason}),
        )
    if "status" in given and patch.status != task.status:
        task = _status_changed(caller, ws, task, patch, now)
        kind = {
            "done": EventType.TASK_COMPLETED,
            "cancelled": EventType.TASK_CANCELLED,
            "open": EventType.TASK_REOPENED,
        }
        verb = {"done": "completed", "cancelled": "cancelled", "open": "reopened"}[task.status]
        extra = {"proof": task.proof} if task.status == "done" and task.proof else {}
        event(kind[task.status], f"{caller.label} {verb} “{task.title}”", **extra)
    return task, events


def _reshaped(ws: DealTeam, task: Task, patch: TaskPatch) -> tuple[Task, list[dict[str, Any]]]:
    given = patch.model_fields_set
    values: dict[str, Any] = {}
    if "title" in given and patch.title:
        values["title"] = patch.title
    if "depends_on" in given:
        depends_on = list(patch.depends_on or [])
        # a cycle can run through any task of the deal: this rare edit reads the deal's task prefix
        plan.check_dependencies(plan_store.deal_tasks(ws.deal.deal_id), task.task_id, depends_on)
        values["depends_on"] = depends_on
    visibility = patch.visibility if "visibility" in given and patch.visibility else task.visibility
    if given & {"visibility", "restricted_to"}:
        viewers = patch.restricted_to if patch.restricted_to is not None else task.restricted_to
        _check_people(ws, viewers, "viewers")
        values["visibility"] = visibility
        values["restricted_to"] = _viewers(visibility, viewers, task.owner_user_id)
    after = dataclasses.replace(task, **values)
    changes = [
        {"field": name, "from": _plain(getattr(task, name)), "to": _plain(getattr(after, name))}
        for name in sorted(values)
        if getattr(task, name) != getattr(after, name)
    ]
    return after, changes


def _assigned(ws: DealTeam, task: Task, owner_user_id: str | None) -> Task:
    owner = ws.party(owner_user_id) if owner_user_id else None
    if owner_user_id is not None:
        _check_people(ws, [owner_user_id], "a task's owner")
    return dataclasses.replace(
        task,
        owner_user_id=owner_user_id,
        owner_role=owner.role.value if owner else task.owner_role,
        restricted_to=_viewers(
            task.visibility, [u for u in task.restricted_to if u != task.owner_user_id], owner_user_id
        ),
        assignment=("pending" if owner_user_id else None) if task.work_order else task.assignment,
        decline_reason=None if task.work_order else task.decline_reason,
    )


def _answered(ws: DealTeam, task: Task, patch: TaskPatch, now: datetime) -> Task:
    if not task.work_order:
        raise Invalid("only a work order can be accepted or declined", code="not_a_work_order")
    if task.assignment != "pending" or task.status != plan.OPEN_TASK:
        raise Conflict("this work order was already answered", code="already_answered")
    if patch.response == "decline":
        if not patch.reason:
            raise Invalid(
                "say why you decline, so the coordinator can find another vendor", code="reason_required"
            )
        return dataclasses.replace(
            task, assignment="declined", decline_reason=patch.reason, owner_user_id=None
        )
    return dataclasses.replace(
        task, assignment="accepted", status="done", completed_at=now, completed_by=task.owner_user_id
    )


def _released_work_orders(ws: DealTeam, before: Task, after: Task) -> list[tuple[Task, Task]]:
    """A vendor who declines lets go of every open vendor task of theirs on the deal (a rare answer:
    it reads the deal's task prefix)."""
    if after.assignment != "declined" or before.owner_user_id is None:
        return []
    return [
        (t, dataclasses.replace(t, owner_user_id=None))
        for t in plan_store.deal_tasks(ws.deal.deal_id)
        if t.task_id != before.task_id
        and t.owner_user_id == before.owner_user_id
        and t.owner_role == "vendor"
        and plan.is_open(t)
    ]


def _status_changed(caller: Caller, ws: DealTeam, task: Task, patch: TaskPatch, now: datetime) -> Task:
    if patch.status == "done":
        blocking = plan.open_dependencies(task, plan_store.load_tasks(ws.deal.deal_id, task.depends_on))
        if blocking:
            raise Conflict(
                "finish the tasks this one depends on first",
                code="dependencies_open",
                details={"open": [{"id": t.task_id, "title": t.title, "status": t.status} for t in blocking]},
            )
        proof = _proof(ws, task, patch.proof)
        return dataclasses.replace(
            task, status="done", proof=proof, completed_at=now, completed_by=caller.user_id
        )
    if patch.status == "open":
        return dataclasses.replace(task, status="open", proof=None, completed_at=None, completed_by=None)
    return dataclasses.replace(task, status="cancelled")


def _proof(ws: DealTeam, task: Task, given: ProofIn | None) -> dict[str, Any] | None:
    """The proof the template asks for: a note, or a document (a version of this deal, not rejected)."""
    note = given.note if given else None
    document_id = given.document_id if given else None
    if note and document_id:
        raise Invalid("send a note or a document as proof, not both", code="invalid_proof")
    if task.proof_required == "note" and not note:
        raise Invalid("completing this task needs a note", code="proof_required", details={"proof": "note"})
    if task.proof_required == "document" and not document_id:
        raise Invalid(
            "completing this task needs a document", code="proof_required", details={"proof": "document"}
        )
    if document_id:
        doc = (
            doc_store.load_document(ws.deal.deal_id, document_id)
            if len(document_id) <= MAX_ID_LENGTH
            else None
        )
        if doc is None or doc.status in ("rejected", "quarantined"):
            raise Invalid("the proof must be an accepted upload of this deal", code="invalid_proof")
        return {"document_id": document_id}
    return {"note": note} if note else None


def _task_event(
    caller: Caller, deal: Deal, task: Task, type: EventType, summary: str, **data: Any
) -> ActivityEvent:
    """A task's event is seen by whoever sees the task (and by its owner)."""
    owner = [task.owner_user_id] if task.owner_user_id else []
    return deal_event(
        deal,
        caller.actor,
        type,
        summary,
        visibility=task.visibility,
        restricted_to=[*task.restricted_to, *owner] if task.visibility is not Visibility.PARTIES else owner,
        data={"task_id": task.task_id, "title": task.title, **data},
    )


def _name(ws: DealTeam, user_id: str | None) -> str:
    party = ws.party(user_id) if user_id else None
    return (party.name or party.email.split("@", 1)[0]) if party else "nobody"


def _iso(moment: datetime | None) -> str | None:
    return clock.iso(moment) if moment else None


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Visibility) else value
