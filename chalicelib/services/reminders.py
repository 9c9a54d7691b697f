"""The reminders sweep (every 15 minutes): due within 24 h, due now, overdue, escalated.

Each reminder is an activity event (`reminder.sent`, `reminder.escalated`) written in one transaction with
a marker keyed by item, due date and threshold — created only if it does not exist — and with the item's
move along the due index. However often the sweep runs, a threshold fires once; the outbox turns the
event into notifications like any other. Reminders stop when the item is done or cancelled (it leaves
the index) or the deal reaches a terminal stage (the item is taken out of the index).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain import change_requests, reminders, workflows
from chalicelib.domain.entities import SYSTEM, Deal
from chalicelib.domain.errors import Conflict, Invalid
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.observability import logger, metrics
from chalicelib.services import delivery, invitee_reminders
from chalicelib.services.activity import event_on_deal
from chalicelib.store import deals as deal_store
from chalicelib.store import reminders as reminder_store
from chalicelib.store.change_request_models import ChangeRequestItem
from chalicelib.store.models import InvitationItem, TaskItem
from chalicelib.store.unit_of_work import UnitOfWork

ALREADY_SENT = "reminder_already_sent"
DEAL_CLOSED = "deal_closed"


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    stopped: int = 0
    sent: int = 0


@dataclass(frozen=True)
class DealRef:
    """What a reminder needs of its deal: it travels on the due item (org, workflow), so the sweep reads
    no deal; the reminder's transaction checks that the deal is still open instead."""

    deal_id: str
    org_id: str
    workflow: str | None


def sweep(now: datetime | None = None) -> SweepResult:
    now = now or clock.now()
    delay = timedelta(hours=settings().reminder_escalation_hours)
    result = SweepResult()
    due = list(reminder_store.due_items(now))
    # items written before they carried their org: their deals, batch-read once per sweep
    legacy = {item.deal_id for item in due if not item.org_id}
    deals = deal_store.deals_by_id(legacy) if legacy else {}
    for item in due:
        if isinstance(item, InvitationItem):  # invitee reminders (issue 13)
            sent, told = invitee_reminders.remind(item, now, _terminal_stages(item.workflow))
            result.reminders, result.escalations = result.reminders + sent, result.escalations + told
            continue
        if item.org_id:
            _remind(item, DealRef(item.deal_id, item.org_id, item.workflow), now, delay, result)
            continue
        deal = deals.get(item.deal_id)
        if deal is None or _terminal(deal):
            _stop(item, result)
            continue
        _remind(item, deal, now, delay, result)
    from chalicelib.services import lead_reminders  # uncontacted leads (docs/INTAKE.md)

    lead_reminders.sweep(now)  # counted and logged on their own
    result.sent = delivery.flush(now)
    metrics.add_metric(name="RemindersSent", unit="Count", value=result.reminders)
    logger.info("reminder sweep", extra=result.__dict__)
    return result


def _stop(item: reminder_store.DueItem, result: SweepResult) -> None:
    """The deal is over (or gone): the item leaves the due index for good."""
    due_at = clock.parse_iso(str(item.due_at))
    reminder_store.set_progress(item, reminders.marker(reminders.STOPPED, due_at))
    result.stopped += 1


def _remind(
    item: reminder_store.DueItem,
    deal: Deal | DealRef,
    now: datetime,
    delay: timedelta,
    result: SweepResult,
) -> None:
    due_at = clock.parse_iso(str(item.due_at))
    plan = reminders.plan(item.reminded, due_at, now, delay)
    if plan is None:
        return
    uow = UnitOfWork()
    already = Conflict("this reminder already went out", code=ALREADY_SENT)
    if isinstance(deal, DealRef):
        closed = Conflict("the deal is over", code=DEAL_CLOSED)
        reminder_store.check_deal_open(uow, deal.deal_id, _terminal_stages(deal.workflow), closed)
    facts = _facts(item)
    if plan.owner is not None:
        owners, for_role = _owners(item)
        event = event_on_deal(
            deal.org_id,
            deal.deal_id,
            SYSTEM,
            EventType.REMINDER_SENT,
            f"Reminder: {facts['title']} is {_WORDS[plan.owner]}",
            visibility=Visibility(item.visibility),
            restricted_to=set(item.restricted_to or []) | owners,
            data={
                **facts,
                "threshold": plan.owner.value,
                **({"for_role": for_role} if for_role else {}),
                **_staff(item),
            },
            at=now,
        )
        uow.record(event)
        reminder_store.add_marker(uow, item, plan.owner.value, event.event_id, already)
    if plan.escalate:
        event = event_on_deal(
            deal.org_id,
            deal.deal_id,
            SYSTEM,
            EventType.REMINDER_ESCALATED,
            f"Escalated to the coordinator: {facts['title']} is overdue",
            visibility=Visibility.INTERNAL,
            data=facts,
            at=now,
        )
        uow.record(event)
        reminder_store.add_marker(uow, item, reminders.Threshold.ESCALATED.value, event.event_id, already)
    reminder_store.advance(uow, item, plan.reminded, Conflict("the item changed", code="item_changed"))
    try:
        uow.commit()
    except Conflict as conflict:
        if conflict.code == ALREADY_SENT:  # a concurrent sweep sent it: just move the item along
            reminder_store.set_progress(item, plan.reminded)
        elif conflict.code == DEAL_CLOSED:
            _stop(item, result)
        return
    result.reminders += plan.owner is not None
    result.escalations += plan.escalate


_WORDS = {
    reminders.Threshold.UPCOMING: "due within 24 hours",
    reminders.Threshold.DUE: "due now",
    reminders.Threshold.OVERDUE: "overdue",
}


def _facts(item: reminder_store.DueItem) -> dict[str, str]:
    kind = {TaskItem: "task", ChangeRequestItem: "change_request"}.get(type(item), "document_request")
    return {
        "item_kind": kind,
        "item_id": reminder_store.item_id(item),
        "title": str(item.title if isinstance(item, TaskItem | ChangeRequestItem) else item.label),
        "due_at": str(item.due_at),
    }


def _owners(item: reminder_store.DueItem) -> tuple[set[str], str | None]:
    """Who the reminder is for: the task's owner, or the users a document request targets. A task with
    no owner yet is for the parties holding its owner role (`for_role`: the outbox resolves them, so
    the sweep reads no party)."""
    if isinstance(item, ChangeRequestItem):  # its SLA: the approvers it waits on
        return set(item.waiting_on_user_ids or []), None
    if isinstance(item, TaskItem):
        if item.owner_user_id:
            return {item.owner_user_id}, None
        return set(), item.owner_role
    return set(item.target_user_ids or []), None


def _staff(item: reminder_store.DueItem) -> dict[str, bool]:
    """A change request waiting on the coordinator role: its reminder goes to the deal's coordinator(s)."""
    if isinstance(item, ChangeRequestItem) and change_requests.waits_on_coordinator(item.to_entity()):
        return {"for_coordinators": True}
    return {}


def _terminal_stages(workflow: str | None) -> frozenset[str]:
    """Every stage that is terminal in some version of the workflow (a deal pins its version)."""
    return frozenset(
        stage.key
        for (name, _), template in workflows.registry().templates.items()
        if workflow in (None, name)
        for stage in template.stages
        if stage.terminal
    )


def _terminal(deal: Deal) -> bool:
    try:
        return workflows.of_deal(deal).stage(deal.stage).terminal
    except Invalid:
        return False
