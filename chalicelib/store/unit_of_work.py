"""One mutation = one TransactWriteItems carrying the change and its activity event.

Services stage creates, updates and condition checks on a UnitOfWork, record at least one activity
event, and commit once. Each staged operation says which domain error its condition failure means, so
a cancelled transaction becomes the right 404/409/412 and nothing is half-written.

DynamoDB refuses two operations on one item in a transaction, so operations are staged by item key and
merged: a service may update a deal and also "touch" it for the activity feed; both land as one write.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition

from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.errors import Conflict, DomainError
from chalicelib.store import idempotency
from chalicelib.store.errors import THROTTLING, unavailable, write_conflict
from chalicelib.store.models import ActivityItem
from chalicelib.store.table import TableItem, connection, to_item_value

MAX_TRANSACTION_ITEMS = 100


@dataclass
class _Staged:
    kind: str  # "check" | "put" | "update"
    on_fail: DomainError
    item: TableItem | None = None
    item_cls: type[TableItem] | None = None
    key: tuple[str, str] = ("", "")
    changes: dict[str, Any] = field(default_factory=dict)
    condition: Condition | None = None
    expected_version: int | None = None
    must_exist: bool = True

    def add_condition(self, condition: Condition | None) -> None:
        if condition is not None:
            self.condition = condition if self.condition is None else self.condition & condition


def already_exists(what: str) -> Conflict:
    return Conflict(f"{what} already exists", code="already_exists")


class UnitOfWork:
    def __init__(self) -> None:
        self._staged: dict[tuple[str, str], _Staged] = {}
        self._activity = 0
        self.committed = False

    def __len__(self) -> int:
        return len(self._staged)

    # -- staging --------------------------------------------------------------------------------

    def create(self, item: TableItem, *, on_exists: DomainError | None = None) -> TableItem:
        """Put a new item; fails (without writing anything) if an item with its key exists."""
        item.refresh_keys()
        key = (item.pk, item.sk)
        if key in self._staged:
            raise RuntimeError(f"{key} is already part of this unit of work")
        self._stage(key, _Staged("put", on_exists or already_exists(type(item).__name__), item=item))
        return item

    def update(
        self,
        item: TableItem,
        changes: dict[str, Any],
        *,
        expected_version: int | None = None,
        condition: Condition | None = None,
        on_fail: DomainError | None = None,
        must_exist: bool = True,
    ) -> TableItem:
        """SET (or REMOVE, for None) attributes of an existing item; index keys whose source
        attributes change are re-derived. With `expected_version` the write holds only if the stored
        version still matches, and bumps it. `must_exist=False` makes it an upsert."""
        if isinstance(item, ActivityItem):
            raise RuntimeError("activity events are append-only: no code path updates them")
        item.refresh_keys()
        key = (item.pk, item.sk)
        staged = self._staged.get(key)
        if staged is None:
            staged = _Staged("update", on_fail or write_conflict(), item=item, must_exist=must_exist)
            self._stage(key, staged)
        elif on_fail is not None and staged.kind == "update":
            staged.on_fail = on_fail
        assert staged.item is not None
        for name, value in changes.items():
            setattr(staged.item, name, to_item_value(value))
        staged.item.refresh_keys()
        if staged.kind == "put":
            return staged.item  # a new item simply starts with the changes applied
        staged.changes.update(changes)
        staged.add_condition(condition)
        if expected_version is not None:
            staged.expected_version = expected_version
        return staged.item

    def check(
        self, item_cls: type[TableItem], key: tuple[str, str], condition: Condition, on_fail: DomainError
    ) -> None:
        staged = self._staged.get(key)
        if staged is not None:  # fold the check into the write already staged for that item
            staged.add_condition(condition)
            return
        self._stage(key, _Staged("check", on_fail, item_cls=item_cls, key=key, condition=condition))

    def record(self, event: ActivityEvent) -> ActivityEvent:
        """Append an activity event. Events are immutable: written once, on the condition that no event
        with the same key exists, and never updated or deleted by any code path."""
        self.create(ActivityItem.from_entity(event), on_exists=already_exists("activity event"))
        self._activity += 1
        return event

    def _stage(self, key: tuple[str, str], staged: _Staged) -> None:
        if self.committed:
            raise RuntimeError("this unit of work was already committed")
        self._staged[key] = staged

    # -- commit ---------------------------------------------------------------------------------

    def commit(self) -> None:
        if self._activity == 0:
            raise RuntimeError("a mutation must record its activity event in the same transaction")
        claim = idempotency.take_pending_claim()
        if claim is not None:
            self.create(claim, on_exists=idempotency.Replay())
        if len(self._staged) > MAX_TRANSACTION_ITEMS:
            raise RuntimeError(f"{len(self._staged)} items exceed one transaction ({MAX_TRANSACTION_ITEMS})")
        ordered = self._ordered()
        requests = [_request(s) for s in ordered]
        try:
            connection().connection.transact_write_items(
                condition_check_items=[
                    r for s, r in zip(ordered, requests, strict=True) if s.kind == "check"
                ],
                delete_items=[],
                put_items=[r for s, r in zip(ordered, requests, strict=True) if s.kind == "put"],
                update_items=[r for s, r in zip(ordered, requests, strict=True) if s.kind == "update"],
            )
        except TransactWriteError as exc:
            raise _translate(exc, ordered) from exc
        self.committed = True

    def _ordered(self) -> list[_Staged]:
        # PynamoDB sends checks, then puts, then updates; cancellation reasons follow that order.
        rank = {"check": 0, "put": 1, "update": 2}
        return sorted(self._staged.values(), key=lambda s: rank[s.kind])


def _request(staged: _Staged) -> dict[str, Any]:
    if staged.kind == "check":
        assert staged.item_cls is not None
        return staged.item_cls.get_operation_kwargs_from_class(
            staged.key[0], range_key=staged.key[1], condition=staged.condition
        )
    item = staged.item
    assert item is not None
    if staged.kind == "put":
        return item.get_save_kwargs_from_instance(condition=TableItem.pk.does_not_exist())
    cls = type(item)
    condition: Condition | None = TableItem.pk.exists() if staged.must_exist else None
    names = set(staged.changes) | item.index_attributes_depending_on(set(staged.changes))
    if staged.expected_version is not None:
        condition = _and(condition, cls.version == staged.expected_version)  # type: ignore[attr-defined]
        item.version = staged.expected_version + 1  # type: ignore[attr-defined]
        names.add("version")
    condition = _and(condition, staged.condition)
    actions = []
    for name in sorted(names):
        value = getattr(item, name)
        attr = getattr(cls, name)
        actions.append(attr.remove() if value is None else attr.set(value))
    return item.get_update_kwargs_from_instance(
        actions=actions, condition=condition, add_version_condition=False
    )


def _and(left: Condition | None, right: Condition | None) -> Condition | None:
    if left is None:
        return right
    return left if right is None else left & right


def _translate(exc: TransactWriteError, ordered: list[_Staged]) -> DomainError:
    if exc.cause_response_code in THROTTLING:
        return unavailable()
    reasons = exc.cancellation_reasons if exc.cause_response_code == "TransactionCanceledException" else []
    codes = [r.code if r is not None else None for r in reasons]
    for staged, code in zip(ordered, codes, strict=False):
        if code == "ConditionalCheckFailed":
            return staged.on_fail
    if any(code in THROTTLING for code in codes):
        return unavailable()
    if "TransactionConflict" in codes or exc.cause_response_code == "TransactionInProgressException":
        return write_conflict()
    raise exc


def changes_between(before: Any, after: Any) -> dict[str, Any]:
    """Field-level diff of two versions of one entity dataclass."""
    return {
        f.name: getattr(after, f.name)
        for f in dataclasses.fields(after)
        if getattr(before, f.name) != getattr(after, f.name)
    }
