"""Two speed-ups of moto's DynamoDB that change no answer (local mode and tests; never deployed).

**A Query reads its own partition**, as in DynamoDB. moto answers every Query — on the table or on an index
— by sorting the whole table with its own value comparisons and then walking all of it for the items of the
asked partition: each Query costs the size of the table, not of its answer. With the demo's few hundred
items that is a tenth of a second a Query, most of the time of a reminder sweep or an outbox batch, and it
grows with every deal `make run` adds.

Here moto's own `Table.query` runs unchanged over only the items that can match its key condition: the
asked partition of the table, or the items whose index partition key equals the asked string or binary
value. Everything after that first step — the sort by the index's keys (a total order: the table's key is
part of it), the range condition, paging, filters, projections, ScannedCount — is moto's. A key condition
this does not recognise (a number-typed partition key, whose equality moto decides by value) goes to
moto's full walk as before. `tests/integration/test_emulator.py` compares both on every kind of Query.

**An item's size is checked once.** moto builds an item one attribute at a time, and each step sums the
size of every attribute already there: quadratic in the attributes, a third of the cost of writing a deal's
header. Here the attributes are converted, their sizes summed once, and the same limit applied to the
total (sizes only grow as attributes are added, so the total is the largest sum moto's steps could see):
an item over the limit is refused with moto's ItemSizeTooLarge as before (tested in test_emulator.py).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

EXACT_TYPES = ("S", "B")  # equal exactly when their stored values are equal


ITEM_SIZE_LIMIT = 405_000  # moto's own limit (dynamo_type.LimitedSizeDict): between DynamoDB's 409 and 410 KB


def apply() -> None:
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    Table.query = _reading_one_partition(Table.query)  # type: ignore[method-assign]
    _sized_once.__wrapped__ = Item.__init__  # type: ignore[attr-defined]  # moto's own, for the test
    Item.__init__ = _sized_once  # type: ignore[method-assign]


def _sized_once(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    self.hash_key = hash_key
    self.range_key = range_key
    typed = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + value.size() for key, value in typed.items()) > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict()  # later updates of single attributes keep moto's own check
    dict.update(self.attrs, typed)


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
