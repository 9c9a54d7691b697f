"""SES feedback (bounces, complaints, deliveries, via SNS): update the notification, suppress the address.

A permanent bounce or a complaint suppresses the address at once: every later email to it is recorded as
`suppressed` and never handed to SES (queued digests included: they are re-checked before sending).
A transient bounce is recorded on the notification but does not suppress.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain.entities import Actor
from chalicelib.domain.errors import Conflict
from chalicelib.domain.events import EventType
from chalicelib.domain.notifications import DeliveryState
from chalicelib.observability import logger, metrics
from chalicelib.services.activity import user_event
from chalicelib.store import notifications as store
from chalicelib.store.unit_of_work import UnitOfWork
from chalicelib.store.users import normalize_email

SES = Actor("ses", "Amazon SES feedback")


def record_feedback(message: dict[str, Any]) -> None:
    kind = str(message.get("notificationType") or message.get("eventType") or "")
    now = clock.now()
    item = _notification(message.get("mail", {}))
    if kind == "Delivery":
        if item is not None:
            store.record_outcome(item, {"state": DeliveryState.DELIVERED.value, "delivered_at": now})
        return
    if kind == "Bounce":
        bounce = message.get("bounce", {})
        permanent = bounce.get("bounceType") == "Permanent"
        if item is not None:
            reason = "bounce" if permanent else "transient_bounce"
            store.record_outcome(item, {"state": DeliveryState.BOUNCED.value, "reason": reason})
        if permanent:
            for recipient in bounce.get("bouncedRecipients", []):
                suppress(str(recipient.get("emailAddress", "")), "bounce", now)
        return
    if kind == "Complaint":
        if item is not None:
            store.record_outcome(item, {"reason": "complaint"})
        for recipient in message.get("complaint", {}).get("complainedRecipients", []):
            suppress(str(recipient.get("emailAddress", "")), "complaint", now)
        return
    logger.info("ignored SES feedback", extra={"kind": kind})


def suppress(address: str, reason: str, at: datetime) -> None:
    email = normalize_email(address)
    if "@" not in email:
        return
    user = store.user_by_email(email)
    if user is None:  # not one of ours any more: still never write to it again
        store.put_suppression(email, reason, at)
        return
    uow = UnitOfWork()
    uow.create(store.suppression_item(email, reason, at), on_exists=Conflict("already suppressed"))
    uow.record(
        user_event(
            user.user_id,
            SES,
            EventType.ADDRESS_SUPPRESSED,
            f"Email stopped after a {reason}",
            data={"feedback": reason},
        )
    )
    try:
        uow.commit()
    except Conflict:
        return  # suppressed already (SNS delivers at least once)
    metrics.add_metric(name="EmailAddressesSuppressed", unit="Count", value=1)


def _notification(mail: dict[str, Any]) -> Any:
    tags = mail.get("tags") or {}
    notification_id = next(iter(tags.get("notification") or []), None)
    user_id = next(iter(tags.get("user") or []), None)
    if not (notification_id and user_id and ids.looks_like("nt", notification_id)):
        return None
    return store.notification_by_key(user_id, "email", notification_id)
