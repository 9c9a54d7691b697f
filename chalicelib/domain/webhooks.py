"""Outbound webhooks (docs/INTEGRATIONS.md): the endpoint and delivery records, which events an org may
subscribe to, what a payload carries, the retry schedule and the Standard Webhooks signature. No I/O.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.events import CATALOG, EventType

SECRET_PREFIX = "whsec_"  # noqa: S105 (the spec's prefix, not a secret)
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes
TEST_EVENT = "webhook.test"
MAX_ENDPOINTS_PER_ORG = 20
LOG_DAYS = 30  # a delivery's log entry expires (TTL) this long after it was created
DEFAULT_OVERLAP = timedelta(hours=24)
# Standard Webhooks' recommended schedule: the first attempt at once, then after each failure wait
# 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts spread over about 27 hours. The sweep runs
# every minute, so the 5 s wait is in practice the next minute.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1

# What an org may subscribe to: the events about its deals a staff member reads in the activity log.
# Not offered: user and account housekeeping (sign-ins, preferences, unsubscribes, suppressed
# addresses: about people, not deals), downloads and upload forms (audit trail), reminders (they are
# notifications, already sent), exports and imports, and the webhooks' own audit events.
_NOT_OFFERED = frozenset(
    {
        EventType.USER_REGISTERED,
        EventType.USER_DEACTIVATED,
        EventType.USER_REACTIVATED,
        EventType.STAFF_ROLE_CHANGED,
        EventType.ORG_CREATED,
        EventType.ORG_SETTINGS_CHANGED,
        EventType.DOCUMENT_DOWNLOADED,
        EventType.DOCUMENT_UPLOAD_FORM_ISSUED,
        EventType.REMINDER_SENT,
        EventType.REMINDER_ESCALATED,
        EventType.NOTIFICATION_RESENT,
        EventType.PREFERENCES_CHANGED,
        EventType.EMAIL_UNSUBSCRIBED,
        EventType.NOTIFICATION_RULES_CHANGED,
        EventType.ADDRESS_SUPPRESSED,
        EventType.ACTIVITY_EXPORTED,
        EventType.DEALS_IMPORTED,
        EventType.PARTY_FIRST_VISIT,
    }
)
SUBSCRIBABLE: tuple[str, ...] = tuple(
    sorted(str(t) for t in CATALOG if t not in _NOT_OFFERED and not str(t).startswith("webhook."))
)
# Keys never sent to a receiver, wherever they appear in an event's data: contact details. A receiver
# gets user ids; a CRM that needs the person's address reads it through the API with its own rights.
_CONTACT_KEYS = frozenset({"email", "phone", "destination", "emails", "phones", "email_hint"})


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (`next_attempt_at`)
    SUCCEEDED = "succeeded"  # the receiver answered 2xx
    FAILED = "failed"  # dead-lettered: every attempt failed (or the endpoint is gone / disabled)


@dataclass
class Webhook:
    webhook_id: str
    org_id: str
    url: str
    event_types: list[str]
    enabled: bool
    secret: str
    created_at: datetime
    created_by: str
    version: int = 1
    description: str | None = None
    previous_secret: str | None = None  # still signs until `previous_secret_until` (rotation overlap)
    previous_secret_until: datetime | None = None
    disabled_reason: str | None = None  # why the system disabled it (`failing`), None if an admin did
    updated_at: datetime | None = None
    deleted_at: datetime | None = None  # a deleted endpoint stays as a tombstone until its TTL

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets that sign a message sent now: the current one, and the previous one during the
        rotation's overlap window (the receiver may still hold it)."""
        found = [self.secret]
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            found.append(self.previous_secret)
        return found

    def wants(self, event_type: str) -> bool:
        return self.enabled and event_type in self.event_types


@dataclass
class WebhookDelivery:
    webhook_id: str
    delivery_id: str  # the `webhook-id` header: stable per (event, endpoint), what receivers dedupe on
    org_id: str
    event_id: str
    event_type: str
    payload: str  # the JSON body, exactly as signed and sent
    status: str
    created_at: datetime
    next_attempt_at: datetime | None = None
    attempts: int = 0  # every attempt, replays included
    round_attempts: int = 0  # attempts since it was created or last replayed (the schedule's position)
    replays: int = 0
    last_attempt_at: datetime | None = None
    response_code: int | None = None
    latency_ms: int | None = None
    error: str | None = None  # why the last attempt failed, in a word (`timeout`, `http_500`...)
    succeeded_at: datetime | None = None
    version: int = 1


def url_for_log(url: str) -> str:
    """An endpoint URL as the audit log keeps it: scheme and host only. Paths often carry a credential
    (a Zapier catch hook's, for one), and the activity log is exported and read by every ops person."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def delivery_id(event_id: str, webhook_id: str, at: datetime) -> str:
    """Derived from the event and the endpoint: a duplicated stream record or a retried fan-out finds the
    delivery it already wrote, and the receiver sees the same `webhook-id` on every retry and replay.
    It starts with the event's time (fixed-width hex milliseconds), so the log sorts newest first."""
    digest = hashlib.sha256(f"{event_id}|{webhook_id}".encode()).hexdigest()[:20]
    return f"msg_{int(at.timestamp() * 1000):012x}{digest}"


def unknown_event_types(types: list[str]) -> list[str]:
    return sorted(set(types) - set(SUBSCRIBABLE))


def _without_contacts(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_contacts(v) for k, v in value.items() if k not in _CONTACT_KEYS}
    if isinstance(value, list):
        return [_without_contacts(v) for v in value]
    return value


def payload(event: ActivityEvent, at: str) -> dict[str, Any]:
    """The body a receiver gets (Standard Webhooks' `type`, `timestamp`, `data`): which event, which
    records (ids), and what changed — the event's `data` as the org's staff read it in the activity log,
    less contact details. Only events of the endpoint's own org are ever delivered (services)."""
    return {
        "type": str(event.type),
        "timestamp": at,
        "data": {
            "event_id": event.event_id,
            "org_id": event.org_id,
            "deal_id": event.deal_id,
            "subject_user_id": event.subject_user_id,
            "actor": {"user_id": event.actor_user_id, "label": event.actor_label},
            "summary": event.summary,
            "visibility": str(event.visibility),
            "changes": _without_contacts(event.data),
        },
    }


def test_payload(webhook_id: str, org_id: str, at: str) -> dict[str, Any]:
    return {
        "type": TEST_EVENT,
        "timestamp": at,
        "data": {"org_id": org_id, "webhook_id": webhook_id, "message": "A test event from Threshold"},
    }


def body(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def signature_headers(delivery: WebhookDelivery, secrets_: list[str], at: datetime) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and `webhook-signature`, signed with the reference library; during
    a rotation's overlap one `v1,` signature per secret, space-separated (the spec allows several)."""
    from standardwebhooks.webhooks import Webhook as Signer

    signatures = [Signer(s).sign(delivery.delivery_id, at, delivery.payload) for s in secrets_]
    return {
        "webhook-id": delivery.delivery_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": "Threshold-Webhooks/1",
    }


def after_failure(delivery: WebhookDelivery, now: datetime) -> datetime | None:
    """When to try again after the attempt that just failed, or None: it is dead-lettered."""
    done = delivery.round_attempts  # attempts of this round, the failed one included
    if done >= MAX_ATTEMPTS:
        return None
    return now + RETRY_DELAYS[done - 1]


def schedule_offsets() -> list[timedelta]:
    """When each attempt happens, counted from the first (docs: about a day)."""
    offsets, total = [timedelta(0)], timedelta(0)
    for delay in RETRY_DELAYS:
        total += delay
        offsets.append(total)
    return offsets
