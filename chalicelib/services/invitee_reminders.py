"""Invitee reminders, called by the reminders sweep for each invitation in the due index
(domain/invitee_reminders.py; docs/ACCOUNTS.md, "Invitee reminders").

One transaction per invitation and sweep: a ConditionCheck that the deal is still open, one that the
party is still invited on this very invitation (revoked, re-invited or accepted meanwhile: no reminder),
the marker of each threshold (written only if it does not exist: a repeated or concurrent sweep never
sends twice), the `invitation.reminded` and/or `invitation.not_accepted` events, and the invitation's
progress (on the condition it is still pending with the same sending). The outbox turns the events into
notifications like any other — the invitee's preferences, quiet hours and daily cap apply.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib import clock
from chalicelib.domain import invitee_reminders as rules
from chalicelib.domain.entities import SYSTEM
from chalicelib.domain.errors import Conflict
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyStatus, Visibility
from chalicelib.services.activity import event_on_deal
from chalicelib.store import reminders as reminder_store
from chalicelib.store.models import InvitationItem, PartyItem
from chalicelib.store.notification_models import ReminderMarkerItem
from chalicelib.store.notifications import update_fields
from chalicelib.store.unit_of_work import UnitOfWork

ALREADY_SENT = "reminder_already_sent"
STOP = frozenset({"deal_closed", "not_invited"})


def remind(item: InvitationItem, now: datetime, terminal_stages: frozenset[str]) -> tuple[int, int]:
    """(reminders sent, coordinator notices) for one invitation."""
    sent_at = clock.parse_iso(str(item.last_sent_at))
    plan = rules.plan(item.reminded, sent_at, now)
    if plan is None:
        return 0, 0
    deal_id, org_id = str(item.deal_id), str(item.org_id)
    uow = UnitOfWork()
    reminder_store.check_deal_open(
        uow, deal_id, terminal_stages, Conflict("the deal is over", code="deal_closed")
    )
    uow.check(
        PartyItem,
        PartyItem.key_for(deal_id=deal_id, user_id=item.user_id),
        (PartyItem.status == PartyStatus.INVITED.value) & (PartyItem.invitation_id == item.invitation_id),
        Conflict("the invitee is no longer waiting on this invitation", code="not_invited"),
    )
    facts = {
        "invitation_id": str(item.invitation_id),
        "user_id": str(item.user_id),
        "role": str(item.role),
        "valid_until": str(item.valid_until),
    }
    role = str(item.role).replace("_", " ")
    if plan.invitee is not None:
        event = event_on_deal(
            org_id,
            deal_id,
            SYSTEM,
            EventType.INVITATION_REMINDED,
            f"Reminded the invited {role} to accept their invitation",
            visibility=Visibility.RESTRICTED,
            restricted_to=[str(item.user_id)],
            data={**facts, "threshold": plan.invitee.value},
            at=now,
        )
        uow.record(event)
        _marker(uow, item, plan.invitee.value, event.event_id)
    if plan.tell_coordinator:
        event = event_on_deal(
            org_id,
            deal_id,
            SYSTEM,
            EventType.INVITATION_NOT_ACCEPTED,
            f"The invited {role} has not accepted after two reminders",
            visibility=Visibility.INTERNAL,
            data=facts,
            at=now,
        )
        uow.record(event)
        _marker(uow, item, rules.InviteeThreshold.COORDINATOR.value, event.event_id)
    still = (InvitationItem.status == item.status) & (InvitationItem.last_sent_at == item.last_sent_at)
    uow.update(
        item, {"reminded": plan.reminded}, condition=still, on_fail=Conflict("changed", code="item_changed")
    )
    try:
        uow.commit()
    except Conflict as conflict:
        if conflict.code == ALREADY_SENT:  # a concurrent sweep sent it: just move the invitation along
            update_fields(item, {"reminded": plan.reminded})
        elif conflict.code in STOP:
            update_fields(item, {"reminded": rules.marker(rules.STOPPED, sent_at)})
        return 0, 0
    return int(plan.invitee is not None), int(plan.tell_coordinator)


def _marker(uow: UnitOfWork, item: InvitationItem, threshold: str, event_id: str) -> None:
    marker = ReminderMarkerItem(
        deal_id=item.deal_id,
        item_id=item.invitation_id,
        due_at=item.last_sent_at,
        threshold=threshold,
        event_id=event_id,
    )
    uow.create(marker, on_exists=Conflict("this reminder already went out", code=ALREADY_SENT))
