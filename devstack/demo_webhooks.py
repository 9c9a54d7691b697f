"""Demo data for outbound webhooks (docs/INTEGRATIONS.md): Harbor Main's CRM endpoint with a delivery log
that tells a story — two deliveries accepted, then one that failed every retry (dead-lettered) — and the
admin paused the endpoint while the CRM is fixed (enable it and replay the failed delivery to try again).
Created through the same services the API uses; the attempts are recorded as the sweep records them (the
demo CRM's host does not exist, so nothing is actually sent)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib import clock
from chalicelib.domain import webhooks as rules
from chalicelib.domain.webhook_commands import NewWebhook, WebhookPatch
from chalicelib.domain.webhooks import DeliveryStatus, Webhook
from chalicelib.services import webhooks as service
from chalicelib.services.principals import caller_for
from chalicelib.store import webhooks as store

ADMIN = "ada.admin@harbormain.example"
CRM_URL = "https://crm.harbormain.example/hooks/threshold"


def seed_webhooks() -> Webhook:
    admin = caller_for(ADMIN, None)
    hook = service.create(
        admin,
        NewWebhook(
            url=CRM_URL,
            event_types=["deal.created", "deal.stage_changed", "document.approved", "task.completed"],
            description="Harbor Main CRM (demo: this host does not exist)",
        ),
    )
    now = clock.now()
    outcomes = [
        ("deal.stage_changed", 200, 143, None),
        ("document.approved", 204, 98, None),
        ("task.completed", 503, 2011, "http_503"),
    ]
    for n, (event_type, code, latency, error) in enumerate(outcomes):
        at = now - timedelta(days=3 - n)
        event_id = f"demo-{n}"
        delivery = replace(
            _delivery(hook, event_id, event_type, at),
            attempts=1 if error is None else rules.MAX_ATTEMPTS,
            round_attempts=1 if error is None else rules.MAX_ATTEMPTS,
            last_attempt_at=at,
            response_code=code,
            latency_ms=latency,
            error=error,
            status=(DeliveryStatus.SUCCEEDED if error is None else DeliveryStatus.FAILED).value,
            next_attempt_at=None,
            succeeded_at=at if error is None else None,
        )
        store.add_delivery_once(delivery)
    disabled = service.update(admin, hook.webhook_id, WebhookPatch(enabled=False), hook.version)
    return disabled


def _delivery(hook: Webhook, event_id: str, event_type: str, at: datetime) -> rules.WebhookDelivery:
    document = {"type": event_type, "timestamp": clock.iso(at), "data": {"event_id": event_id, "demo": True}}
    return rules.WebhookDelivery(
        webhook_id=hook.webhook_id,
        delivery_id=rules.delivery_id(event_id, hook.webhook_id, at),
        org_id=hook.org_id,
        event_id=event_id,
        event_type=event_type,
        payload=rules.body(document),
        status=DeliveryStatus.PENDING.value,
        created_at=at,
    )
