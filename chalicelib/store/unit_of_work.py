"""One mutation = one TransactWriteItems carrying the change and its activity event.

Services stage creates, updates and condition checks on a UnitOfWork, record at least one activity
event, and commit once. Each staged operation says which domain error its condition failure means, so
a cancelled transaction becomes the right 404/409/412 and nothing is half-written.

DynamoDB refuses two operations on one item in a transaction, so operations are staged by item key and
merged: a service may update a deal and also "touch" it for the activity feed; both land as one write.

Every TransactWriteItems carries a ClientRequestToken derived from its unit of work (the unit's id and
the transaction's rank in it). When a commit lands but its answer is lost (a timeout, a reset
connection), botocore resends the very same request; DynamoDB recognises the token and answers success
without applying it again, instead of the retry failing its own conditions (409/412 for a change that
was made). The token holds for 10 minutes after the first attempt completed, far beyond any retry here.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition

from chalicelib.domain.entities import ActivityEvent, changed_fields
from chalicelib.domain.errors import Conflict, DomainError
from chalicelib.observability import logger, metrics
from chalicelib.store import idempotency
from chalicelib.store.errors import THROTTLING, error_code, retryable, unavailable, write_conflict
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
    spill: str | None = None  # "before" | "after": may leave the main transaction when it overflows

    def add_condition(self, condition: Condition | None) -> None:
        if condition is not None:
            self.condition = condition if self.condition is None else self.condition & condition


def already_exists(what: str) -> Conflict:
    return Conflict(f"{what} already exists", code="already_exists")


class UnitOfWork:
    def __init__(self) -> None:
        self._staged: dict[tuple[str, str], _Staged] = {}
        self._activity = 0
        self._after_commit: list[Callable[[], None]] = []
        self.committed = False
        self.id = uuid.uuid4()
        self._transactions = 0

    def client_request_token(self) -> str:
        """A token per transaction this unit sends (≤ 36 characters, as DynamoDB requires); botocore's
        own retries resend the request as it was, token included."""
        self._transactions += 1
        return str(uuid.uuid5(self.id, str(self._transactions)))

    def __len__(self) -> int:
        return len(self._staged)

    # -- staging --------------------------------------------------------------------------------

    def create(
        self,
        item: TableItem,
        *,
        on_exists: DomainError | None = None,
        ahead: bool = False,
        follow_up: bool = False,
    ) -> TableItem:
        """Put a new item; fails (without writing anything) if an item with its key exists.

        `ahead=True` marks an item nobody can reach until the main transaction lands (a new deal's tasks:
        its partition has no deal item yet): when the unit overflows one transaction, such items are
        written first, in transactions of their own."""
        item.refresh_keys()
        key = (item.pk, item.sk)
        if key in self._staged:
            raise RuntimeError(f"{key} is already part of this unit of work")
        staged = _Staged("put", on_exists or already_exists(type(item).__name__), item=item)
        staged.spill = "before" if ahead else None
        if follow_up:  # may land just after the main transaction; an item already there is dropped
            staged.spill = "after"
        self._stage(key, staged)
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
        follow_up: bool = False,
    ) -> TableItem:
        """SET (or REMOVE, for None) attributes of an existing item; index keys whose source
        attributes change are re-derived. With `expected_version` the write holds only if the stored
        version still matches, and bumps it. `must_exist=False` makes it an upsert.

        `follow_up=True` marks a consequence that may land just after the main transaction when the unit
        overflows one (cancelling a closed deal's open tasks): its condition must make it safe to apply
        late, and a follow-up whose condition no longer holds is dropped (docs/WORKFLOWS.md)."""
        if isinstance(item, ActivityItem):
            raise RuntimeError("activity events are append-only: no code path updates them")
        item.refresh_keys()
        key = (item.pk, item.sk)
        staged = self._staged.get(key)
        if staged is None:
            staged = _Staged("update", on_fail or write_conflict(), item=item, must_exist=must_exist)
            staged.spill = "after" if follow_up else None
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

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once the transaction has committed (never if it fails): a side effect that must
        not happen for a change that was not written, e.g. an email carrying a secret only this
        request holds. The action handles its own failures; the change is already written."""
        self._after_commit.append(action)

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
        ahead, main, behind = self._split()
        for chunk in _chunks(ahead):
            _transact(chunk, self.client_request_token())
        _transact(main, self.client_request_token())
        self.committed = True
        for chunk in _chunks(behind):
            _follow_up(chunk, self.client_request_token)
        for action in self._after_commit:
            action()

    def _split(self) -> tuple[list[_Staged], list[_Staged], list[_Staged]]:
        """The main transaction holds everything when it fits; otherwise spillable operations fill what
        room is left and the rest go ahead of it or after it."""
        staged = list(self._staged.values())
        if len(staged) <= MAX_TRANSACTION_ITEMS:
            return [], staged, []
        main = [s for s in staged if s.spill is None]
        if len(main) > MAX_TRANSACTION_ITEMS:
            raise RuntimeError(f"{len(main)} items exceed one transaction ({MAX_TRANSACTION_ITEMS})")
        spillable = [s for s in staged if s.spill is not None]
        room = MAX_TRANSACTION_ITEMS - len(main)
        main += spillable[:room]
        rest = spillable[room:]
        return [s for s in rest if s.spill == "before"], main, [s for s in rest if s.spill == "after"]


def _chunks(staged: list[_Staged]) -> list[list[_Staged]]:
    return [staged[i : i + MAX_TRANSACTION_ITEMS] for i in range(0, len(staged), MAX_TRANSACTION_ITEMS)]


def _ordered(staged: list[_Staged]) -> list[_Staged]:
    # PynamoDB sends checks, then puts, then updates; cancellation reasons follow that order.
    rank = {"check": 0, "put": 1, "update": 2}
    return sorted(staged, key=lambda s: rank[s.kind])


def _send(ordered: list[_Staged], token: str) -> None:
    requests = [_request(s) for s in ordered]

    def of_kind(kind: str) -> list[dict[str, Any]]:
        return [r for s, r in zip(ordered, requests, strict=True) if s.kind == kind]

    connection().connection.transact_write_items(
        condition_check_items=of_kind("check"),
        delete_items=[],
        put_items=of_kind("put"),
        update_items=of_kind("update"),
        client_request_token=token,
    )


def _transact(staged: list[_Staged], token: str) -> None:
    ordered = _ordered(staged)
    try:
        _send(ordered, token)
    except TransactWriteError as exc:
        raise _translate(exc, ordered) from exc


FOLLOW_UP_ATTEMPTS = 4


def _follow_up(staged: list[_Staged], token: Callable[[], str]) -> None:
    """Apply late consequences: those whose condition no longer holds are dropped (someone got there
    first); throttling and conflicts are retried with backoff. What still fails is logged and counted."""
    pending = _ordered(staged)
    for attempt in range(FOLLOW_UP_ATTEMPTS):
        if not pending:
            return
        try:
            _send(pending, token())  # each attempt sends other items: a token of its own
            return
        except TransactWriteError as exc:
            codes = _reason_codes(exc)
            if len(codes) == len(pending) and "ConditionalCheckFailed" in codes:
                pending = [
                    s for s, code in zip(pending, codes, strict=True) if code != "ConditionalCheckFailed"
                ]
                continue
            time.sleep(0.05 * 2**attempt)
    logger.error("follow-up writes not applied", extra={"items": len(pending)})
    metrics.add_metric(name="FollowUpWritesFailed", unit="Count", value=len(pending))


def _reason_codes(exc: TransactWriteError) -> list[str | None]:
    if error_code(exc) != "TransactionCanceledException":
        return []
    return [r.code if r is not None else None for r in exc.cancellation_reasons]


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
    fault = retryable(exc)  # throttled, no answer in time, token refused: 503
    if fault is not None:
        return fault
    codes = _reason_codes(exc)
    for staged, code in zip(ordered, codes, strict=False):
        if code == "ConditionalCheckFailed":
            return staged.on_fail
    if any(code in THROTTLING for code in codes):
        return unavailable()
    if "TransactionConflict" in codes:
        return write_conflict()
    raise exc


def changes_between(before: Any, after: Any) -> dict[str, Any]:
    """Field-level diff of two versions of one entity dataclass: what an update writes."""
    return changed_fields(before, after)
