"""Webhook endpoints and deliveries: reads and writes (keys: store/webhook_models.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.domain.errors import Conflict, PreconditionFailed
from chalicelib.domain.webhooks import LOG_DAYS, Webhook, WebhookDelivery
from chalicelib.store import schema
from chalicelib.store.errors import translated
from chalicelib.store.table import TableItem, query_page, to_item_value
from chalicelib.store.unit_of_work import UnitOfWork, changes_between
from chalicelib.store.webhook_models import (
    DELIVERY_PREFIX,
    DUE_SHARDS,
    WebhookDeliveryItem,
    WebhookItem,
)


def get(webhook_id: str) -> Webhook | None:
    """One consistent GetItem; a deleted endpoint (a tombstone) is None."""
    pk, sk = WebhookItem.key_for(webhook_id=webhook_id)
    with translated():
        try:
            item = WebhookItem.get(pk, sk, consistent_read=True)
        except DoesNotExist:
            return None
    hook: Webhook = item.to_entity()
    return None if hook.deleted_at else hook


def org_webhooks(
    org_id: str, *, limit: int = 100, start: dict[str, Any] | None = None
) -> tuple[list[Webhook], dict[str, Any] | None]:
    """An org's endpoints, oldest first: one Query on GSI1 (eventually consistent)."""
    with translated():
        page = query_page(
            WebhookItem.INDEXES[schema.GSI1].partition_for(org_id=org_id),
            index=schema.GSI1,
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, WebhookItem)], page.last_key


def add(uow: UnitOfWork, hook: Webhook) -> None:
    uow.create(WebhookItem.from_entity(hook))


def change(uow: UnitOfWork, before: Webhook, after: Webhook, *, expected_version: int | None) -> None:
    changes = changes_between(before, after)
    changes.pop("version", None)
    item = WebhookItem.from_entity(before)
    if after.deleted_at is not None:
        changes["expires_at"] = timedelta(days=LOG_DAYS)  # TTLAttribute: from now
    uow.update(
        item,
        changes,
        expected_version=expected_version if expected_version is not None else before.version,
        on_fail=PreconditionFailed(
            "the webhook changed since you read it; read it again", code="stale_version"
        )
        if expected_version is not None
        else Conflict("the webhook changed at the same time; try again", code="webhook_changed"),
    )


# -- deliveries -----------------------------------------------------------------------------------


def delivery_item(delivery: WebhookDelivery) -> WebhookDeliveryItem:
    item = WebhookDeliveryItem.from_entity(delivery)
    item.expires_at = delivery.created_at + timedelta(days=LOG_DAYS)
    return item


def add_delivery_once(delivery: WebhookDelivery) -> bool:
    """One conditional PutItem: False when the delivery exists already (a duplicated event)."""
    item = delivery_item(delivery)
    with translated():
        try:
            item.save(condition=TableItem.pk.does_not_exist())
        except PutError as exc:
            if _condition_failed(exc):
                return False
            raise
    return True


def get_delivery(webhook_id: str, delivery_id: str) -> WebhookDelivery | None:
    pk, sk = WebhookDeliveryItem.key_for(webhook_id=webhook_id, delivery_id=delivery_id)
    with translated():
        try:
            item = WebhookDeliveryItem.get(pk, sk, consistent_read=True)
        except DoesNotExist:
            return None
    found: WebhookDelivery = item.to_entity()
    return found


def deliveries_page(
    webhook_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[WebhookDelivery], dict[str, Any] | None]:
    """The delivery log, newest first: one Query of the endpoint's partition."""
    with translated():
        page = query_page(
            WebhookItem.KEY.partition_for(webhook_id=webhook_id),
            sort_condition=TableItem.sk.startswith(DELIVERY_PREFIX),
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return [i.to_entity() for i in page.items if isinstance(i, WebhookDeliveryItem)], page.last_key


def due_deliveries(now: datetime, *, limit: int) -> list[WebhookDelivery]:
    """Pending deliveries whose time has come: one Query per due shard on the sparse GSI2."""
    found: list[WebhookDelivery] = []
    for shard in range(DUE_SHARDS):
        with translated():
            page = query_page(
                WebhookDeliveryItem.INDEXES[schema.GSI2].partition_for(due_shard=shard),
                index=schema.GSI2,
                sort_condition=TableItem.gsi2sk <= f"{to_item_value(now)}#~",
                limit=limit,
            )
        found += [i.to_entity() for i in page.items if isinstance(i, WebhookDeliveryItem)]
    return sorted(found, key=lambda d: (d.next_attempt_at or now, d.delivery_id))[:limit]


def update_delivery(before: WebhookDelivery, after: WebhookDelivery) -> bool:
    """One conditional UpdateItem on the delivery's version: False when someone else (another sweep, a
    replay) changed it first — the caller leaves it to them."""
    changes = changes_between(before, after)
    changes["version"] = before.version + 1
    item = delivery_item(before)
    actions = []
    for name, value in changes.items():
        attr = getattr(WebhookDeliveryItem, name)
        actions.append(attr.remove() if value is None else attr.set(to_item_value(value)))
    after.version = before.version + 1
    for name in ("status", "next_attempt_at"):
        setattr(item, name, to_item_value(getattr(after, name)))
    item.refresh_keys()  # the due index follows status and next_attempt_at
    actions += [
        WebhookDeliveryItem.gsi2pk.remove()
        if item.gsi2pk is None
        else WebhookDeliveryItem.gsi2pk.set(item.gsi2pk),
        WebhookDeliveryItem.gsi2sk.remove()
        if item.gsi2sk is None
        else WebhookDeliveryItem.gsi2sk.set(item.gsi2sk),
    ]
    with translated():
        try:
            item.update(actions=actions, condition=WebhookDeliveryItem.version == before.version)
        except UpdateError as exc:
            if _condition_failed(exc):
                return False
            raise
    return True


def stage_delivery_update(uow: UnitOfWork, before: WebhookDelivery, after: WebhookDelivery) -> None:
    changes = changes_between(before, after)
    changes.pop("version", None)
    uow.update(
        delivery_item(before),
        changes,
        expected_version=before.version,
        on_fail=Conflict("the delivery changed at the same time; try again", code="delivery_changed"),
    )


def stage_new_delivery(uow: UnitOfWork, delivery: WebhookDelivery) -> None:
    uow.create(delivery_item(delivery))


def _condition_failed(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"
