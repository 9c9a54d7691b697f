"""Seed the demo data once per test session and restore it into a fresh table in milliseconds.

(moto copies a whole table on every transaction, so re-seeding through the services for each test
would cost seconds. Restoring puts a copy of the emulator's own items back into a new table, the way
DynamoDB restores a backup: no write requests, so no stream records and no per-attribute size checks —
writing the 433 items back through BatchWriteItem cost about half of each test's setup.)"""

from __future__ import annotations

import copy
from typing import Any

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


class DemoSnapshot:
    def __init__(self) -> None:
        resources.drop_table(settings())
        resources.create_table(settings())
        self.demo = seed_demo()
        self._items: dict[Any, Any] = copy.deepcopy(emulated_table().items)

    @property
    def item_count(self) -> int:
        return sum(len(by_range) for by_range in self._items.values())

    def restore(self) -> Demo:
        resources.drop_table(settings())
        resources.create_table(settings())
        emulated_table().items = copy.deepcopy(self._items)
        return copy.deepcopy(self.demo)  # a test that adds to its Demo (a deal, a client) changes no other
