"""Speed-ups of moto's DynamoDB that change no answer (local mode and tests; never deployed).

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

**A value's size is counted without copying it.** moto sizes a map by wrapping each of its values in a new
`DynamoType`, which copies that value's whole subtree, at every level: sizing a nested item costs a copy of
it per level, on every Query (its 1 MB page) and on every attribute an update sets. `_value_size` counts
the same bytes by the same rules (`DynamoType.size`) walking the value once; test_emulator.py compares
both on every item of the demo data and on every kind of value.

**An update expression is parsed once.** moto parses an UpdateExpression's text into a tree on every request;
the tree names placeholders (`:v`, `#n`), not values, and every user of it only reads it or deep-copies it
before resolving them, so one tree per distinct text serves every request that sends it.

**An item operation's answer is written as plain JSON.** moto writes every answer through a generic,
model-driven serializer that walks the operation's output shape member by member; for the item operations
(GetItem, Query, Scan, the batches, Put/Update/DeleteItem) DynamoDB's JSON is the result
itself, so it is dumped directly (binary values base64-encoded, as the serializer does). Anything json cannot
write as is (a timestamp) goes to moto's serializer. test_emulator.py parses both with botocore, over a whole
API journey, and finds them equal.

**An update expression's walkers build their dispatch table once.** moto's update-expression validators
ask each walker for its node-type table at every node of the expression tree (a new dict and tuple each
time); here each walker keeps the table it first built — the same bound methods, in the same order.
"""

from __future__ import annotations

import base64
import functools
import inspect
import json
from collections.abc import Callable
from typing import Any

EXACT_TYPES = ("S", "B")  # equal exactly when their stored values are equal
SET_TYPES = ("SS", "NS", "BS")


ITEM_SIZE_LIMIT = 405_000  # moto's own limit (dynamo_type.LimitedSizeDict): between DynamoDB's 409 and 410 KB


def apply() -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType, Item
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser  # type: ignore[attr-defined]
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
    from moto.dynamodb.responses import DynamoResult

    Table.query = _reading_one_partition(Table.query)  # type: ignore[method-assign]
    _sized_once.__wrapped__ = Item.__init__  # type: ignore[attr-defined]  # moto's own, for the test
    Item.__init__ = _sized_once  # type: ignore[method-assign]
    _value_size.__wrapped__ = DynamoType.size  # type: ignore[attr-defined]
    DynamoType.size = _value_size  # type: ignore[method-assign,assignment]
    _dispatch_built_once(DepthFirstTraverser)
    _parsed_once(UpdateExpressionParser)
    _plain_json_answers(DynamoResult)


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


def _value_size(value: Any) -> int:
    """moto's `DynamoType.size`, without wrapping (and so copying) every nested value again."""
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.utilities import bytesize

    kind, raw = value.type, value.value
    if kind == "N":
        return len(str(raw))
    if kind in SET_TYPES:  # moto: each member as a scalar of the set's own type
        return sum(len(str(v)) if kind == "NS" else bytesize(v) for v in raw)
    if kind == "L":
        return sum(_value_size(v) for v in raw)
    if kind == "M":
        return sum(
            bytesize(k) + _value_size(v if type(v) is DynamoType else DynamoType(v)) for k, v in raw.items()
        )
    if isinstance(raw, bool):
        return 1
    return bytesize(raw)


def _dispatch_built_once(traverser: type) -> None:
    def table(self: Any) -> dict[type, Callable[[Any], Any]]:
        built: dict[type, Callable[[Any], Any]] | None = self.__dict__.get("_dispatch")
        if built is None:
            built = self._dispatch = self._processing_map()
        return built

    def nodes_to_be_processed(self: Any) -> tuple[type, ...]:
        kinds: tuple[type, ...] | None = self.__dict__.get("_kinds")
        if kinds is None:
            kinds = self._kinds = tuple(table(self))
        return kinds

    def process(self: Any, node: Any) -> Any:
        for kind, processor in table(self).items():
            if isinstance(node, kind):
                return processor(node)
        return None

    traverser.nodes_to_be_processed = nodes_to_be_processed  # type: ignore[attr-defined]
    traverser.process = process  # type: ignore[attr-defined]


def _parsed_once(parser: Any) -> None:
    make = parser.make.__func__
    parser.make = classmethod(functools.lru_cache(maxsize=2048)(make))  # type: ignore[arg-type]
    parser.make.__func__.__wrapped__ = make


PLAIN_JSON_OPERATIONS = frozenset(
    {
        "GetItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
    }
)


def _plain_json_answers(result_class: type) -> None:
    serialized = result_class.execute_result  # type: ignore[attr-defined]

    @functools.wraps(serialized)
    def execute_result(self: Any, context: Any) -> Any:
        operation = context.operation_model
        if operation.name not in PLAIN_JSON_OPERATIONS:
            return serialized(self, context)
        try:
            body = json.dumps(self.result, default=_blob, separators=(",", ":"))
        except TypeError:  # a value JSON has no form for: the serializer knows its shape
            return serialized(self, context)
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    result_class.execute_result = execute_result  # type: ignore[attr-defined]


def _blob(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(type(value).__name__)


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
