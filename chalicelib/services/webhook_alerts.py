"""A webhook delivery that failed every retry: dead-letter it, disable its endpoint, tell the org's admins.

One transaction carries the delivery's final state, the endpoint's `enabled: false` /
`disabled_reason: failing` (on the endpoint's version: if an admin edited it in between, nothing is
written and the sweep attempts the delivery again once its lease runs out, against the edited endpoint),
the `webhook.disabled` audit event, and one in-app and one
email notification per admin of the org (ids derived from the event: written once). The emails then go
out through the notification machinery's own sender (opt-outs, suppressions, daily cap apply).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.config import settings
from chalicelib.domain import notification_templates as templates
from chalicelib.domain.entities import Actor, Notification
from chalicelib.domain.events import EventType
from chalicelib.domain.notifications import Channel, DeliveryState, notification_id
from chalicelib.domain.roles import StaffRole
from chalicelib.domain.webhook_urls import parse
from chalicelib.domain.webhooks import MAX_ATTEMPTS, Webhook, WebhookDelivery
from chalicelib.domain.webhooks import url_for_log as rules_url
from chalicelib.observability import logger
from chalicelib.services import delivery as notification_delivery
from chalicelib.services.activity import org_event
from chalicelib.store import notifications as notification_store
from chalicelib.store import webhooks as store
from chalicelib.store.notification_models import NotificationItem
from chalicelib.store.unit_of_work import UnitOfWork

SYSTEM = Actor("system", "Threshold")


def _host(url: str) -> str:
    try:
        return parse(url).host
    except ValueError:
        return "the endpoint"


def dead_letter(hook: Webhook, claimed: WebhookDelivery, failed: WebhookDelivery, now: datetime) -> None:
    disabled = replace(hook, enabled=False, disabled_reason="failing", updated_at=now)
    event = org_event(
        hook.org_id,
        SYSTEM,
        EventType.WEBHOOK_DISABLED,
        "A webhook endpoint failed every delivery attempt for a day and was disabled",
        data={
            "webhook_id": hook.webhook_id,
            "url": rules_url(hook.url),
            "delivery_id": failed.delivery_id,
            "attempts": failed.attempts,
        },
    )
    admins = [m for m in notification_store.org_staff(hook.org_id) if m.role is StaffRole.ADMIN]
    message = templates.Message(
        subject="A webhook endpoint was disabled",
        happened=(
            f"Deliveries to {_host(hook.url)} failed {MAX_ATTEMPTS} times over about a day "
            f"(last error: {failed.error or 'unknown'}), so Threshold disabled the endpoint."
        ),
        next_step="Fix the receiver, enable the endpoint again and replay the failed deliveries.",
        link=f"{settings().portal_url.rstrip('/')}/admin/webhooks/{hook.webhook_id}",
    )
    notes = [
        Notification(
            notification_id=notification_id(event.event_id, event.at, admin.user_id, channel),
            user_id=admin.user_id,
            channel=channel.value,
            event_id=event.event_id,
            event_type=event.type,
            created_at=event.at,
            state=(DeliveryState.DELIVERED if channel is Channel.IN_APP else DeliveryState.QUEUED).value,
            send_after=now,
            message=templates.as_data(message),
            org_id=hook.org_id,
            destination=admin.email if channel is Channel.EMAIL else None,
            delivered_at=now if channel is Channel.IN_APP else None,
        )
        for admin in admins
        for channel in (Channel.IN_APP, Channel.EMAIL)
    ]
    uow = UnitOfWork()
    store.stage_delivery_update(uow, claimed, failed)
    if hook.enabled:
        store.change(uow, hook, disabled, expected_version=None)
    for note in notes:
        uow.create(NotificationItem.from_entity(note))
    uow.record(event)
    uow.commit()
    logger.warning("a webhook endpoint was disabled after its retries ran out", extra={"org_id": hook.org_id})
    emails = [NotificationItem.from_entity(n) for n in notes if n.channel == Channel.EMAIL.value]
    if emails:
        notification_delivery.send_due(emails, now)
