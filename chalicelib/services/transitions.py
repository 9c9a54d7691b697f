"""Moving a deal between stages: the definition of done, overrides, the stage history, and what a stage
change sets in motion (items due after stage entry get their dates; a terminal stage cancels what is open)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain import change_requests, plan, progress, workflows
from chalicelib.domain.access import Action, Caller, DealAccess
from chalicelib.domain.entities import ActivityEvent, Actor, Deal, StageChange
from chalicelib.domain.errors import DomainError, PreconditionFailed
from chalicelib.domain.events import EventType
from chalicelib.domain.views import Workspace
from chalicelib.observability import logger, metrics
from chalicelib.services.access import workspace_access
from chalicelib.services.activity import deal_event
from chalicelib.store import change_requests as cr_store
from chalicelib.store import deals as deal_store
from chalicelib.store import plan as plan_store
from chalicelib.store import reports as reports_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import TransitionIn


def transition(
    caller: Caller, deal_id: str, command: TransitionIn, expected_version: int | None = None
) -> tuple[Workspace, DealAccess]:
    ws, access = workspace_access(caller, deal_id)
    access.require(Action.ADVANCE_STAGE)
    if expected_version is not None and expected_version != ws.deal.version:
        raise PreconditionFailed(
            f"the deal is at version {ws.deal.version}, not {expected_version}; reload it"
        )
    change_stage(ws, caller.actor, command, may_override=access.allows(Action.OVERRIDE_STAGE))
    return ws, access


def plan_stage_change(ws: Workspace, command: TransitionIn, *, may_override: bool) -> progress.Decision:
    """Whether the move is allowed and what it leaves undone (raises when it is not allowed)."""
    template = workflows.of_deal(ws.deal)
    return progress.decide(
        template,
        ws.deal.stage,
        command.to,
        reason=command.reason,
        override=command.override,
        may_override=may_override,
        tasks=ws.tasks,
        requests=ws.document_requests,
        blocking=lambda stage: change_requests.blocking(template.change_requests, stage, ws.change_requests),
    )


def change_stage(ws: Workspace, actor: Actor, command: TransitionIn, *, may_override: bool) -> Workspace:
    """Move the deal (the API for a caller, a runbook for a console principal); `ws` is updated."""
    before = ws.deal
    decision = plan_stage_change(ws, command, may_override=may_override)
    now = clock.now()
    target = decision.target
    after = dataclasses.replace(before, stage=target.key, stage_entered_at=now, version=before.version + 1)
    change = StageChange(
        deal_id=before.deal_id,
        change_id=ids.new_id("sc"),
        to_stage=target.key,
        at=now,
        actor_user_id=actor.user_id,
        actor_name=actor.label,
        from_stage=before.stage,
        reason=command.reason,
        override=decision.override,
        unmet=plan.describe(decision.unmet),
    )
    dated_tasks, dated_requests = plan.enter_stage(target.key, now, after, ws.tasks, ws.document_requests)
    closed_tasks, closed_requests = (
        plan.close_out(ws.tasks, ws.document_requests) if target.terminal else ([], [])
    )
    uow = UnitOfWork()
    deal_store.change_deal(uow, before, after)
    deal_store.add_stage_change(uow, change)
    reports_store.record_stage_exit(uow, before, now)  # time-in-stage, kept up to date on write
    plan_store.apply(uow, dated_tasks, dated_requests)
    plan_store.apply(uow, closed_tasks, closed_requests, follow_up=True)
    closed_changes = change_requests.close_out(ws.change_requests) if target.terminal else []
    for cr_before, cr_after in closed_changes:
        cr_store.change(uow, cr_before, cr_after, follow_up=True)
    deal_store.touch(uow, after, ws.parties, now)
    closed = len(closed_tasks) + len(closed_requests) + len(closed_changes)
    uow.record(_stage_event(actor, before, after, change, decision, closed))
    uow.commit()
    if target.terminal:
        _archive_documents(after, actor)
    metrics.add_metric(name="StageChanges", unit="Count", value=1)
    if decision.override:
        metrics.add_metric(name="StageOverrides", unit="Count", value=1)
    ws.deal = after
    ws.stage_history.append(change)
    ws.tasks = plan.updated(ws.tasks, dated_tasks + closed_tasks)
    ws.document_requests = plan.updated(ws.document_requests, dated_requests + closed_requests)
    return ws


def _archive_documents(deal: Deal, actor: Actor) -> None:
    """A closed deal's files move to the closed-deal retention class. Object tags are not part of the
    transaction, so this runs after it; it is idempotent, and a failure here is logged and counted for ops
    (the archive runbook, or the next attempt, finishes it) rather than undoing a committed stage change."""
    from chalicelib.services import documents  # S3 work only when a deal closes (cold start)

    try:
        documents.archive_deal_documents(deal, actor)
    except DomainError as error:
        logger.error(
            "archiving a closed deal's documents failed", extra={"deal_id": deal.deal_id, "code": error.code}
        )
        metrics.add_metric(name="ArchiveFailures", unit="Count", value=1)


def _stage_event(
    actor: Actor,
    before: Deal,
    after: Deal,
    change: StageChange,
    decision: progress.Decision,
    cancelled: int,
) -> ActivityEvent:
    template = workflows.of_deal(after)
    from_label, to_label = template.stage(before.stage).label, template.stage(after.stage).label
    data: dict[str, Any] = {
        "from": before.stage,
        "to": after.stage,
        "from_label": from_label,
        "to_label": to_label,
        "override": decision.override,
        "change_id": change.change_id,
        "terminal": decision.target.terminal,
    }
    internal: dict[str, Any] = {}
    if change.reason:
        internal["reason"] = change.reason
    if decision.unmet:
        internal["unmet"] = decision.unmet
    if cancelled:
        internal["cancelled_items"] = cancelled
    if internal:
        data["internal"] = internal  # staff only: why, and what was left undone
    return deal_event(
        after,
        actor,
        EventType.DEAL_STAGE_CHANGED,
        f"{actor.label} moved the deal from {from_label} to {to_label}"
        + (" (override)" if decision.override else ""),
        data=data,
        at=change.at,
    )
