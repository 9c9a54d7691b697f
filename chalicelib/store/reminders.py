"""The due-date index (GSI3 `DUE#{shard}`): open tasks and document requests by their next reminder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain.errors import DomainError
from chalicelib.store import schema
from chalicelib.store.change_request_models import ChangeRequestItem
from chalicelib.store.errors import translated
from chalicelib.store.models import DealItem, DocumentRequestItem, InvitationItem, TaskItem
from chalicelib.store.notification_models import DUE_INDEX, SHARDS, ReminderMarkerItem
from chalicelib.store.notifications import update_fields
from chalicelib.store.table import TableItem, query_page
from chalicelib.store.unit_of_work import UnitOfWork

DueItem = TaskItem | DocumentRequestItem | ChangeRequestItem  # a change request: its SLA
DUE_KINDS = (TaskItem, DocumentRequestItem, ChangeRequestItem, InvitationItem)  # issue 13: invitations


def due_items(now: datetime) -> Iterator[DueItem | InvitationItem]:
    """Every item whose next reminder time has come: one Query per shard (more only past 100 items).
    The index is sparse and keyed by the next reminder, so nothing else is read."""
    upper = f"{iso(now)}$"
    for shard in range(SHARDS):
        start: dict[str, Any] | None = None
        while True:
            with translated():
                page = query_page(
                    DUE_INDEX.partition_for(due_shard=shard),
                    index=schema.GSI3,
                    sort_condition=TableItem.gsi3sk < upper,
                    limit=100,
                    start_key=start,
                )
            yield from (i for i in page.items if isinstance(i, DUE_KINDS))
            if page.last_key is None:
                break
            start = page.last_key


def item_id(item: DueItem) -> str:
    if isinstance(item, ChangeRequestItem):
        return str(item.change_request_id)
    return str(item.task_id if isinstance(item, TaskItem) else item.request_id)


def add_marker(uow: UnitOfWork, item: DueItem, threshold: str, event_id: str, on_exists: DomainError) -> None:
    marker = ReminderMarkerItem(
        deal_id=item.deal_id,
        item_id=item_id(item),
        due_at=item.due_at,
        threshold=threshold,
        event_id=event_id,
    )
    uow.create(marker, on_exists=on_exists)


def advance(uow: UnitOfWork, item: DueItem, reminded: str, on_fail: DomainError) -> None:
    """Move the item along the index, on the condition it is still open with the same due date."""
    cls = type(item)
    still = (cls.status == item.status) & (cls.due_at == item.due_at)
    uow.update(item, {"reminded": reminded}, condition=still, on_fail=on_fail)


def set_progress(item: DueItem, reminded: str) -> None:
    """Outside a reminder's transaction: an item whose reminders already went out, or that stops."""
    update_fields(item, {"reminded": reminded})


def check_deal_open(
    uow: UnitOfWork, deal_id: str, terminal_stages: frozenset[str], on_fail: DomainError
) -> None:
    """Hold the reminder's transaction on its deal still existing outside a terminal stage: a
    ConditionCheck, so the sweep reads no deal for an item that carries its org (docs/NOTIFICATIONS.md)."""
    condition = DealItem.pk.exists()
    if terminal_stages:
        condition = condition & ~DealItem.stage.is_in(*sorted(terminal_stages))
    uow.check(DealItem, DealItem.key_for(deal_id=deal_id), condition, on_fail)
