"""What the webhook routes answer (docs/INTEGRATIONS.md); registered as closed shapes in api/openapi.py.
The signing secret appears only in the answers of creation and rotation (`WebhookWithSecret`)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from chalicelib.clock import iso
from chalicelib.domain.webhooks import Webhook, WebhookDelivery


class WebhookOut(TypedDict):
    id: str
    org_id: str
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    """`failing` when the system disabled it after a delivery failed every retry; null otherwise"""
    previous_secret_until: str | None
    """During a rotation's overlap: until when the previous secret signs too"""
    created_at: str
    version: int


class WebhookWithSecret(WebhookOut):
    secret: str
    """The signing secret (`whsec_…`): shown once, here; store it in the receiver"""


class WebhookDeliveryOut(TypedDict):
    id: str
    """The `webhook-id` header: the same on every retry and replay (receivers dedupe on it)"""
    webhook_id: str
    event_id: str | None
    event_type: str
    status: str
    """`pending` (waiting for `next_attempt_at`), `succeeded`, or `failed` (dead-lettered)"""
    attempts: int
    replays: int
    response_code: int | None
    latency_ms: int | None
    last_error: str | None
    created_at: str
    last_attempt_at: str | None
    next_attempt_at: str | None
    succeeded_at: NotRequired[str]


def webhook_view(hook: Webhook) -> WebhookOut:
    return {
        "id": hook.webhook_id,
        "org_id": hook.org_id,
        "url": hook.url,
        "event_types": sorted(hook.event_types),
        "description": hook.description,
        "enabled": hook.enabled,
        "disabled_reason": hook.disabled_reason,
        "previous_secret_until": iso(hook.previous_secret_until) if hook.previous_secret_until else None,
        "created_at": iso(hook.created_at),
        "version": hook.version,
    }


def with_secret(hook: Webhook) -> WebhookWithSecret:
    return {**webhook_view(hook), "secret": hook.secret}


def delivery_view(delivery: WebhookDelivery) -> WebhookDeliveryOut:
    out: WebhookDeliveryOut = {
        "id": delivery.delivery_id,
        "webhook_id": delivery.webhook_id,
        "event_id": delivery.event_id or None,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "replays": delivery.replays,
        "response_code": delivery.response_code,
        "latency_ms": delivery.latency_ms,
        "last_error": delivery.error,
        "created_at": iso(delivery.created_at),
        "last_attempt_at": iso(delivery.last_attempt_at) if delivery.last_attempt_at else None,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.next_attempt_at else None,
    }
    if delivery.succeeded_at:
        out["succeeded_at"] = iso(delivery.succeeded_at)
    return out
