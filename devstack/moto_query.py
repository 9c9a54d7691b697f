"""A Query reads its own partition, as in DynamoDB (local mode and tests; never deployed).

moto answers every Query — on the table or on an index — by sorting the whole table with its own value
comparisons and then walking all of it for the items of the asked partition: each Query costs the size of
the table, not of its answer. With the demo's few hundred items that is a tenth of a second a Query, most
of the time of a reminder sweep or an outbox batch, and it grows with every deal `make run` adds.

Here moto's own `Table.query` runs unchanged over only the items that can match its key condition: the
asked partition of the table, or the items whose index partition key equals the asked string or binary
value. Everything after that first step — the sort by the index's keys (a total order: the table's key is
part of it), the range condition, paging, filters, projections, ScannedCount — is moto's. A key condition
this does not recognise (a number-typed partition key, whose equality moto decides by value) goes to
moto's full walk as before. `tests/integration/test_emulator.py` compares both on every kind of Query.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

EXACT_TYPES = ("S", "B")  # equal exactly when their stored values are equal


def apply() -> None:
    from moto.dynamodb.models.table import Table

    Table.query = _reading_one_partition(Table.query)  # type: ignore[method-assign]


def _reading_one_partition(query: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(query)

    @functools.wraps(query)
    def partition_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        asked = signature.bind(self, *args, **kwargs).arguments
        candidates = _candidates(
            self, asked.get("hash_key"), asked.get("index_name"), asked.get("hash_key_conditions")
        )
        if candidates is None:
            return query(self, *args, **kwargs)
        self.all_items = lambda: candidates  # what moto's query walks; requests are serialised (LOCK)
        try:
            return query(self, *args, **kwargs)
        finally:
            del self.all_items

    return partition_query


def _candidates(table: Any, hash_key: Any, index_name: str | None, conditions: Any) -> list[Any] | None:
    """The items the key condition can match, in no particular order; None when unsure."""
    if not index_name:
        if hash_key is None or hash_key.type not in EXACT_TYPES:
            return None
        partition = table.items.get(hash_key)  # .get: `items` is a defaultdict
        if partition is None:
            return []
        return list(partition.values()) if table.range_key_attr else [partition]
    if not conditions or any(value.type not in EXACT_TYPES for _, value in conditions):
        return None
    wanted = [(name, value.type, value.value) for name, value in conditions]
    found = []
    for partition in table.items.values():
        for item in partition.values() if table.range_key_attr else [partition]:
            attrs = item.attrs
            for name, kind, value in wanted:
                got = attrs.get(name)
                if got is None or got.type != kind or got.value != value:
                    break
            else:
                found.append(item)
    return found
