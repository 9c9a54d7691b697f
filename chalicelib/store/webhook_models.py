"""The webhook items (docs/INTEGRATIONS.md, docs/DATA_MODEL.md); their keys are declared here, once.

WEBHOOK#{webhook_id}  WEBHOOK                 the endpoint (GetItem by id)
  GSI1  ORG#{org_id}#WEBHOOKS / {created_at}#{webhook_id}    the org's endpoints (sparse: not deleted)
WEBHOOK#{webhook_id}  DLV#{delivery_id}       one delivery of one event to it: its log entry, newest
                                              first (delivery ids start with the event's time)
  GSI2  WHDUE#{shard} / {next_attempt_at}#{delivery_id}      pending deliveries by due time (sparse),
                                                             swept every minute
"""

from __future__ import annotations

import hashlib
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.domain.webhooks import DeliveryStatus, Webhook, WebhookDelivery
from chalicelib.store import schema
from chalicelib.store.table import KeyFormat, TableItem, share_connection

DUE_SHARDS = 4  # spreads the due index's writes; the sweep reads each shard (one Query each)
DELIVERY_PREFIX = "DLV#"


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


class WebhookItem(TableItem, discriminator="Webhook"):
    KEY = KeyFormat("WEBHOOK#{webhook_id}", "WEBHOOK")
    INDEXES = {schema.GSI1: KeyFormat("ORG#{org_id}#WEBHOOKS", "{created_at}#{webhook_id}")}
    INDEX_DEPENDS = {schema.GSI1: frozenset({"deleted_at"})}
    ENTITY = Webhook

    webhook_id = _text(False)
    org_id = _text(False)
    url = _text(False)
    event_types = ListAttribute(null=True)  # type: ignore[var-annotated]
    enabled = BooleanAttribute()
    secret = _text(False)
    created_at = _text(False)
    created_by = _text(False)
    version = NumberAttribute()
    description = _text()
    previous_secret = _text()
    previous_secret_until = _text()
    disabled_reason = _text()
    updated_at = _text()
    deleted_at = _text()

    def index_enabled(self, index: str) -> bool:
        return self.deleted_at is None


class WebhookDeliveryItem(TableItem, discriminator="WebhookDelivery"):
    KEY = KeyFormat("WEBHOOK#{webhook_id}", DELIVERY_PREFIX + "{delivery_id}")
    INDEXES = {schema.GSI2: KeyFormat("WHDUE#{due_shard}", "{next_attempt_at}#{delivery_id}")}
    INDEX_DEPENDS = {schema.GSI2: frozenset({"status"})}
    ENTITY = WebhookDelivery

    webhook_id = _text(False)
    delivery_id = _text(False)
    org_id = _text(False)
    event_id = _text(False)
    event_type = _text(False)
    payload = _text(False)
    status = _text(False)
    created_at = _text(False)
    next_attempt_at = _text()
    attempts = NumberAttribute()
    round_attempts = NumberAttribute()
    replays = NumberAttribute()
    last_attempt_at = _text()
    response_code = NumberAttribute(null=True)
    latency_ms = NumberAttribute(null=True)
    error = _text()
    succeeded_at = _text()
    version = NumberAttribute()

    def index_enabled(self, index: str) -> bool:
        return self.status == DeliveryStatus.PENDING.value

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        values["due_shard"] = due_shard(str(self.delivery_id))
        return values


def due_shard(delivery_id: str) -> int:
    return hashlib.sha256(delivery_id.encode()).digest()[0] % DUE_SHARDS


WEBHOOK_ITEM_CLASSES: tuple[type[TableItem], ...] = (WebhookItem, WebhookDeliveryItem)
share_connection(*WEBHOOK_ITEM_CLASSES)  # store/models.py: LAZY_ITEM_MODULES
