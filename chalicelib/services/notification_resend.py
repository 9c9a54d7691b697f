"""Ops resends a notification: a NEW notification for the same recipient, channel and content, linked to
the original (`resent_from`), sent through the normal delivery path (opt-outs, suppressions, the SMS hours
and the daily cap apply exactly as they do to any notification). The original is never changed except
for its `resend_count`, which keys the resend: two resends racing on the same count cannot both win, and a
runbook run naming the count it replaces does nothing the second time."""

from __future__ import annotations

from typing import Any

from chalicelib import clock, ids
from chalicelib.domain.access import Caller, require_ops
from chalicelib.domain.entities import Actor, Notification
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.notifications import Channel, DeliveryState, notification_id
from chalicelib.services import delivery
from chalicelib.services.activity import org_event
from chalicelib.store import notifications as store
from chalicelib.store.notification_models import NotificationItem
from chalicelib.store.unit_of_work import UnitOfWork


def find(notification_id_: str) -> Notification | None:
    if not ids.looks_like("nt", notification_id_):
        return None
    item = store.notification_by_id(notification_id_)
    return item.to_entity() if item is not None else None


def resend(caller: Caller, notification_id_: str, reason: str | None) -> Notification:
    """The admin route: admins and coordinators of the notification's org; anyone else outside the org
    (and any unknown id) is told it does not exist; an agent of the org is refused."""
    original = find(notification_id_)
    if original is None or original.org_id is None or caller.staff_role(original.org_id) is None:
        raise NotFound("notification not found")
    require_ops(caller, original.org_id)
    return resend_as(caller.actor, original, reason)


def resend_as(actor: Actor, original: Notification, reason: str | None) -> Notification:
    """One transaction (the new notification, the original's count, the activity event), then delivery
    of what is due now (email/SMS go out at once unless refused or, for SMS, outside 08:00–21:00)."""
    now = clock.now()
    count = original.resend_count + 1
    channel = Channel(original.channel)
    in_app = channel is Channel.IN_APP
    event = org_event(
        str(original.org_id),
        actor,
        EventType.NOTIFICATION_RESENT,
        f"Resent a notification ({channel.value})",
        data=_data(original, count, reason),
    )
    fresh = Notification(
        notification_id=notification_id(
            f"{original.notification_id}#resend#{count}", now, original.user_id, channel
        ),
        user_id=original.user_id,
        channel=original.channel,
        event_id=event.event_id,
        event_type=original.event_type,  # the same category: an opt-out of it still applies
        created_at=now,
        state=(DeliveryState.DELIVERED if in_app else DeliveryState.QUEUED).value,
        send_after=now,
        message=dict(original.message),
        deal_id=original.deal_id,
        org_id=original.org_id,
        destination=original.destination,
        time_zone=original.time_zone,
        digest=False,  # asked for now: not held for the next digest
        critical=original.critical,
        delivered_at=now if in_app else None,
        resent_from=original.notification_id,
    )
    event.data["new_notification_id"] = fresh.notification_id
    raced = Conflict("this notification was resent at the same moment; check it and try again")
    item = NotificationItem.from_entity(fresh)
    uow = UnitOfWork()
    uow.create(item, on_exists=raced)
    previous = NotificationItem.resend_count
    unchanged = previous == original.resend_count
    if not original.resend_count:  # never resent: 0, or absent on an item written before the counter
        unchanged = unchanged | previous.does_not_exist()
    uow.update(
        NotificationItem.from_entity(original), {"resend_count": count}, condition=unchanged, on_fail=raced
    )
    uow.record(event)
    uow.commit()
    delivery.send_due([item], now)
    after = store.notification_by_key(fresh.user_id, fresh.channel, fresh.notification_id)
    return after.to_entity() if after is not None else fresh


def _data(original: Notification, count: int, reason: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "notification_id": original.notification_id,
        "user_id": original.user_id,
        "channel": original.channel,
        "resend_count": count,
    }
    if original.deal_id:
        data["deal_id"] = original.deal_id
    if reason:
        data["reason"] = reason
    return data
