"""A faithful speed-up of moto's DynamoDB transactions, for local mode and tests (never deployed).

moto 5 snapshots the whole table for rollback once *per item* of a TransactWriteItems call (every
snapshot taken before any write, so all of them are identical). With a deal's plan written in one
transaction (dozens of items) that is dozens of deep copies of the table per call. This makes the
snapshot once per table per call; what moto does with it (rollback on a cancelled transaction) is
unchanged.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

_applied = False


class _SnapshotOncePerTransaction:
    """Stands in for the `copy` module inside moto's DynamoDB models."""

    def __init__(self, table_type: type) -> None:
        self._local = threading.local()
        self._table_type = table_type

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        snapshots: dict[int, Any] | None = getattr(self._local, "snapshots", None)
        if snapshots is None or memo is not None or not isinstance(value, self._table_type):
            return copy.deepcopy(value, memo)  # single items (update_item's own copies) stay real copies
        if id(value) not in snapshots:
            snapshots[id(value)] = copy.deepcopy(value)
        return snapshots[id(value)]

    def begin(self) -> None:
        self._local.snapshots = {}

    def end(self) -> None:
        self._local.snapshots = None


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb import models

    stand_in = _SnapshotOncePerTransaction(models.Table)
    original = models.DynamoDBBackend.transact_write_items

    serial = threading.Lock()  # AWS isolates transactions; moto's rollback restores a whole-table copy

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with serial:
            stand_in.begin()
            try:
                return original(self, transact_items)
            finally:
                stand_in.end()

    models.copy = stand_in  # type: ignore[assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _applied = True
