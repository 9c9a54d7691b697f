"""Seed the demo data once per test session and restore it into a fresh table in microseconds.

(moto copies a whole table on every transaction, so re-seeding through the services for each test
would cost seconds. Restoring puts the emulator's own items back into an empty table, the way DynamoDB
restores a backup: no write requests, so no stream records and no per-attribute size checks — writing
the 433 items back through BatchWriteItem cost about half of each test's setup.)

Restoring copies on write. The restored table holds the snapshot's own item objects, and the one moto
operation that changes an item in place — UpdateItem, which a transaction's Update also runs — is made
to replace a snapshot item with a copy of it first. PutItem and DeleteItem replace or drop the table's
entry and never touch the object. A deep copy of every item for every test cost a tenth of the in-process
suite's time. `tests/integration/test_snapshots.py` shows a test's writes never reach the next test."""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType

from chalicelib.config import settings
from devstack import resources
from devstack.seed import Demo, seed_demo


def emulated_table() -> Any:
    """The emulator's in-memory table (in-process moto only)."""
    from moto.dynamodb.models import dynamodb_backends

    config = settings()
    for account in list(dynamodb_backends.keys()):
        backend = dynamodb_backends[account][config.region]
        if config.table_name in backend.tables:
            return backend.tables[config.table_name]
    raise LookupError(f"no emulated table {config.table_name}")


def fresh_table() -> Any:
    """An empty table, as a newly created one is: no items, and a new stream with no records (consumers
    find it by the table's LatestStreamArn, which changes as a new table's would). Emptying the emulator's
    table costs nothing, where DeleteTable, CreateTable, its waiter and UpdateTimeToLive cost 30 ms a test;
    a table a test deleted or never had is created the API's way."""
    try:
        table = emulated_table()
    except LookupError:
        resources.create_table(settings())
        return emulated_table()
    table.items = defaultdict(dict)
    table.set_stream_specification(table.stream_specification)
    return table


_SHARED: set[int] = set()  # ids of the snapshot's item objects, which a restored table holds until written


def _copy_on_write() -> None:
    """Make UpdateItem copy a snapshot item before changing it (once per process)."""
    from moto.dynamodb.models import DynamoDBBackend

    if getattr(DynamoDBBackend.update_item, "copies_on_write", False):
        return
    DynamoDBBackend.update_item = _copied_before_update(DynamoDBBackend.update_item)  # type: ignore[method-assign]


def _copied_before_update(update_item: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(update_item)
    def copy_on_write(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        if _SHARED:
            _own_copy(self.get_table(table_name), key)
        return update_item(self, table_name, key, *args, **kwargs)

    copy_on_write.copies_on_write = True  # type: ignore[attr-defined]
    return copy_on_write


def _own_copy(table: Any, key: dict[str, Any]) -> None:
    """Put a copy of the keyed item in the table's place, if the table holds the snapshot's own object.
    A malformed key finds nothing here and is refused by moto as before."""
    try:
        partition = table.items.get(DynamoType(key[table.hash_key_attr]))
        range_key = DynamoType(key[table.range_key_attr])
    except (KeyError, IndexError, TypeError, AttributeError):
        return
    item = partition.get(range_key) if partition else None
    if item is not None and id(item) in _SHARED:
        partition[range_key] = copy.deepcopy(item)


class DemoSnapshot:
    def __init__(self) -> None:
        resources.drop_table(settings())
        resources.create_table(settings())
        self.demo = seed_demo()
        self._items: dict[Any, Any] = copy.deepcopy(emulated_table().items)
        _copy_on_write()
        _SHARED.update(id(item) for partition in self._items.values() for item in partition.values())

    @property
    def item_count(self) -> int:
        return sum(len(by_range) for by_range in self._items.values())

    def restore(self) -> Demo:
        fresh_table().items = defaultdict(dict, {key: dict(part) for key, part in self._items.items()})
        return copy.deepcopy(self.demo)  # a test that adds to its Demo (a deal, a client) changes no other
