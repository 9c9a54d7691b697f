"""`make bench` only: two shortcuts through the emulator so the scale section's export of 200,000 events
finishes in minutes on a 2-core machine. Neither is used by the tests, local mode or the deployed code, and
neither touches what the bench measures (the exporting process's memory, in its own process).

1. **Events written straight into the emulated table** (`put_items`): the items PynamoDB would send, put in
   moto's table in this process — no HTTP, no BatchWriteItem of 25 at a time, no stream records (nothing
   reads the bench table's stream).
2. **A Query of one partition reads that partition** (`partition_queries`): moto answers a base-table Query
   by sorting every item of the table, then walking every page before the one asked for — quadratic in the
   number of pages, hours for 200 pages of 1,000 events. This answers the same Query from the partition's
   items alone, sorted once by their sort key's text and started after the `ExclusiveStartKey` by bisection.
   Same items, same order, same page ends (`limit` and moto's 1 MB) and the same `LastEvaluatedKey` — checked
   against moto's own answers in `tests/scripts/test_bench_emulator.py`. Anything else (an index, a
   projection, a non-string sort key, a composite key condition) goes to moto unchanged.
"""

from __future__ import annotations

import copy
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

ACCOUNT = "123456789012"  # moto's default account


def put_items(region: str, table_name: str, items: Iterable[dict[str, Any]]) -> int:
    """Put items (attribute maps as DynamoDB JSON, keys included) into the emulated table; how many."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    table = dynamodb_backends[ACCOUNT][region].get_table(table_name)
    assert table.range_key_attr is not None, "the single table has a sort key"
    count = 0
    for attrs in items:
        hash_key = DynamoType(attrs[table.hash_key_attr])
        range_key = DynamoType(attrs[table.range_key_attr])
        table.items[hash_key][range_key] = Item(hash_key, range_key, attrs)
        count += 1
    return count


@contextmanager
def partition_queries() -> Iterator[None]:
    """While inside: base-table Queries read their partition only (see the module's docstring)."""
    from moto.dynamodb.models.table import Table

    original = Table.query
    Table.query = _partition_query(original)  # type: ignore[method-assign]
    try:
        yield
    finally:
        Table.query = original  # type: ignore[method-assign]


def _partition_query(original: Callable[..., Any]) -> Callable[..., Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import RESULT_SIZE_LIMIT

    def query(
        self: Any,
        hash_key: Any,
        range_comparison: str | None,
        range_objs: list[Any],
        limit: int,
        exclusive_start_key: dict[str, Any] | None,
        scan_index_forward: bool,
        projection_expressions: Any,
        index_name: str | None = None,
        consistent_read: bool = False,
        filter_expression: Any = None,
        hash_key_conditions: Any = None,
        range_key_conditions: Any = None,
        **filter_kwargs: Any,
    ) -> Any:
        plain = (
            index_name is None
            and hash_key is not None
            and not projection_expressions
            and not filter_kwargs
            and len(hash_key_conditions or []) <= 1
            and len(range_key_conditions or []) <= 1
            and self.range_key_attr is not None
            and self.range_key_type == "S"
        )
        if not plain:
            return original(
                self,
                hash_key,
                range_comparison,
                range_objs,
                limit,
                exclusive_start_key,
                scan_index_forward,
                projection_expressions,
                index_name=index_name,
                consistent_read=consistent_read,
                filter_expression=filter_expression,
                hash_key_conditions=hash_key_conditions,
                range_key_conditions=range_key_conditions,
                **filter_kwargs,
            )
        partition = self.items.get(hash_key, {})
        found = sorted(partition.values(), key=lambda item: item.range_key.value)
        keys = [i.range_key.value for i in found]
        if scan_index_forward is False:
            found.reverse()
            keys.reverse()
        if exclusive_start_key:
            start = DynamoType(exclusive_start_key[self.range_key_attr]).value
            if scan_index_forward is False:
                found = found[len(keys) - bisect_left(keys[::-1], start) :]
            else:
                found = found[bisect_right(keys, start) :]
        results: list[Any] = []
        size = 0
        last_key = None
        for item in found:
            if len(results) == limit or size + item.size() > RESULT_SIZE_LIMIT:
                last_key = self._get_last_evaluated_key(results[-1], None)
                break  # as moto does: a full page ends at its last item, whatever follows
            if range_comparison and not item.range_key.compare(range_comparison, range_objs):
                continue
            results.append(item)
            size += item.size()
        scanned = len(results)
        results = copy.deepcopy(results)
        if filter_expression is not None:  # as moto does: after the page is cut
            results = [item for item in results if filter_expression.expr(item)]
        return results, scanned, last_key

    return query


@contextmanager
def direct_batch_writes(region: str, table_name: str) -> Iterator[None]:
    """While inside: `TableItem.batch_write()` (devstack/volume.py's bulk writes) puts its items straight into
    the emulated table of this process (`put_items`) when the batch closes, instead of BatchWriteItem calls
    of 25 through the SDK. The items are the same ones PynamoDB would send (`serialize()`)."""
    from chalicelib.store.table import TableItem

    class DirectBatch:
        def __init__(self) -> None:
            self.pending: list[dict[str, Any]] = []

        def __enter__(self) -> DirectBatch:
            return self

        def save(self, item: Any) -> None:
            self.pending.append(item.serialize())

        def __exit__(self, *exc: object) -> None:
            if exc[0] is None:
                put_items(region, table_name, self.pending)

    had = TableItem.__dict__.get("batch_write")
    TableItem.batch_write = classmethod(lambda cls, auto_commit=True: DirectBatch())  # type: ignore[assignment, method-assign]
    try:
        yield
    finally:
        if had is None:
            del TableItem.batch_write
        else:
            TableItem.batch_write = had  # type: ignore[method-assign]
