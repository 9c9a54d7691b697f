"""Reassign open tasks from one person to another: on one deal, or across the whole org (a vendor swap,
an agent leaving).

More tasks than fit one transaction are moved deal by deal (and in chunks within a very large deal), each
chunk one transaction with its own `tasks.reassigned` event. Every task write is conditional on the task
still being open, still owned by the person it is taken from and at the version read, so the operation is
idempotent and resumable: running it again (after a fault, a conflict or a timeout) finds only what is left
and moves that; what already moved is no longer in the old owner's index (docs/ADMIN.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain.access import Caller, require_ops
from chalicelib.domain.entities import Actor, Task
from chalicelib.domain.errors import DomainError, Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyStatus, StaffRole, UserStatus, Visibility
from chalicelib.domain.views import Workspace
from chalicelib.services.activity import deal_event
from chalicelib.services.pipeline import ops_org
from chalicelib.store import deals as deal_store
from chalicelib.store import task_owners
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import MAX_TRANSACTION_ITEMS, UnitOfWork

OPS_STAFF = frozenset({StaffRole.ADMIN, StaffRole.COORDINATOR})  # they reach every deal of the org
# room kept in each transaction besides the tasks: the event, the deal, an idempotency claim
_FIXED_ITEMS = 3


@dataclass
class DealMove:
    deal_id: str
    title: str
    task_ids: list[str]
    reason: str | None = None  # why it is skipped, when it is

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"deal_id": self.deal_id, "title": self.title, "task_ids": self.task_ids}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class ReassignPlan:
    org_id: str
    from_user_id: str
    to_user_id: str
    reason: str
    moves: list[DealMove] = field(default_factory=list)
    skipped: list[DealMove] = field(default_factory=list)
    workspaces: dict[str, Workspace] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "from_user_id": self.from_user_id,
            "to_user_id": self.to_user_id,
            "tasks": sum(len(m.task_ids) for m in self.moves),
            "deals": [m.as_dict() for m in self.moves],
            "skipped": [m.as_dict() for m in self.skipped],
        }


@dataclass
class ReassignResult:
    plan: ReassignPlan
    moved: list[DealMove] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "moved": sum(len(m.task_ids) for m in self.moved),
            "deals": [m.as_dict() for m in self.moved],
            "skipped": [m.as_dict() for m in self.plan.skipped],
            "failed": self.failed,
        }


def reassign(
    caller: Caller,
    *,
    from_user_id: str,
    to_user_id: str,
    reason: str,
    deal_id: str | None = None,
    org_id: str | None = None,
) -> ReassignResult:
    org = _org_of_request(caller, deal_id, org_id)
    found = plan(org, from_user_id, to_user_id, reason, deal_id=deal_id)
    return apply(found, caller.actor)


def _org_of_request(caller: Caller, deal_id: str | None, org_id: str | None) -> str:
    if deal_id is None:
        return ops_org(caller, org_id)
    deal, _ = deal_store.load_header(deal_id) if ids.looks_like("dl", deal_id) else (None, [])
    if deal is None or caller.staff_role(deal.org_id) is None:
        raise NotFound("deal not found")
    require_ops(caller, deal.org_id)
    return deal.org_id


def plan(
    org_id: str, from_user_id: str, to_user_id: str, reason: str, *, deal_id: str | None = None
) -> ReassignPlan:
    """What would move: the from-user's open tasks on each deal of the org, re-read from the deal itself."""
    if from_user_id == to_user_id:
        raise Invalid("the tasks already belong to that person", code="same_user")
    to_role = _new_owner_staff_role(to_user_id, org_id)
    result = ReassignPlan(org_id, from_user_id, to_user_id, reason)
    deal_ids = [deal_id] if deal_id else task_owners.deals_with_open_tasks(from_user_id)
    for candidate in deal_ids:
        ws = deal_store.load_workspace(candidate)
        if ws is None or ws.deal.org_id != org_id:
            continue  # another org's deal (a vendor works for several): not this org's business
        tasks = [t for t in ws.tasks if t.owner_user_id == from_user_id and t.status == "open"]
        if not tasks:
            continue
        move = DealMove(ws.deal.deal_id, ws.deal.title, [t.task_id for t in tasks])
        if to_role not in OPS_STAFF and not _is_active_party(ws, to_user_id):
            move.reason = "not_a_party"  # invite the new owner to the deal first
            result.skipped.append(move)
            continue
        result.moves.append(move)
        result.workspaces[ws.deal.deal_id] = ws
    return result


def _new_owner_staff_role(user_id: str, org_id: str) -> StaffRole | None:
    user = user_store.user_by_id(user_id) if ids.looks_like("u", user_id) else None
    if user is None:
        raise Invalid("the new owner is not a known user", code="unknown_user")
    user, staff = user_store.load_principal(user.email)
    if user is None or user.status is not UserStatus.ACTIVE:
        raise Invalid("the new owner's account is not active", code="user_inactive")
    return next((m.role for m in staff if m.org_id == org_id), None)


def _is_active_party(ws: Workspace, user_id: str) -> bool:
    party = ws.party(user_id)
    return party is not None and party.status is PartyStatus.ACTIVE


def apply(found: ReassignPlan, actor: Actor) -> ReassignResult:
    result = ReassignResult(found)
    for move in found.moves:
        ws = found.workspaces[move.deal_id]
        tasks = {t.task_id: t for t in ws.tasks}
        done: list[str] = []
        for chunk in _chunks([tasks[i] for i in move.task_ids], _room(ws)):
            try:
                _move_chunk(ws, chunk, found, actor)
            except DomainError as error:
                result.failed.append({"deal_id": move.deal_id, "code": error.code, "message": error.message})
                break
            done += [t.task_id for t in chunk]
        if done:
            result.moved.append(DealMove(move.deal_id, move.title, done))
    return result


def _room(ws: Workspace) -> int:
    active = sum(1 for p in ws.parties if p.status is PartyStatus.ACTIVE)
    return MAX_TRANSACTION_ITEMS - _FIXED_ITEMS - active


def _chunks(tasks: list[Task], size: int) -> list[list[Task]]:
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def _move_chunk(ws: Workspace, chunk: list[Task], found: ReassignPlan, actor: Actor) -> None:
    now = clock.now()
    uow = UnitOfWork()
    for task in chunk:
        task_owners.reassign(uow, task, found.to_user_id)
    deal_store.touch(uow, ws.deal, ws.parties, now)
    uow.record(
        deal_event(
            ws.deal,
            actor,
            EventType.TASKS_REASSIGNED,
            f"{actor.label} moved {len(chunk)} open task{'s' if len(chunk) != 1 else ''} to a new owner",
            visibility=Visibility.RESTRICTED,
            restricted_to=[found.from_user_id, found.to_user_id],
            data={
                "from_user_id": found.from_user_id,
                "to_user_id": found.to_user_id,
                "task_ids": [t.task_id for t in chunk],
                "reason": found.reason,
            },
            at=now,
        )
    )
    uow.commit()
