"""A faithful speed-up of moto's DynamoDB transactions, for local mode and tests (never deployed).

moto 5 snapshots the whole table for rollback once *per item* of a TransactWriteItems call: with the demo
data (~400 items) one deep copy costs 0.1–1 s, so every write through the API paid it, dozens of times for
a deal's plan. A transaction can only change the items it names, so this keeps a copy of exactly those
(and the table stream's length) before the call, and on a cancelled call puts them back and drops the
stream records of the rolled-back writes — what restoring moto's whole-table snapshot amounts to. The
whole-table copies moto takes during the call are skipped (its own "restore" then reassigns the live
table to itself).

moto also serializes every response through a generic, model-driven serializer that looks each member of
each structure up through half a dozen alias rules; for a DynamoDB item that is ten lookups per attribute,
and it was most of the time of a Query. `_attribute_values_picked_directly` gives DynamoDB's AttributeValue
(a plain dict such as `{"S": "x"}` in moto's results) the outcome those rules have for a plain dict — the
member under its own name — and leaves every other shape, and the serialization of each member, to moto.
`tests/integration/test_emulator.py` checks both give the same bytes.
"""

from __future__ import annotations

import copy
import functools
import threading
from dataclasses import dataclass, field
from typing import Any

_applied = False


class _NoTableCopyInTransaction:
    """Stands in for the `copy` module inside moto's DynamoDB models."""

    def __init__(self, table_type: type) -> None:
        self._local = threading.local()
        self._table_type = table_type

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if getattr(self._local, "active", False) and memo is None and isinstance(value, self._table_type):
            return value  # the caller rolls back the items the transaction names (_Touched)
        return copy.deepcopy(value, memo)  # single items (update_item's own copies) stay real copies

    def begin(self) -> None:
        self._local.active = True

    def end(self) -> None:
        self._local.active = False


@dataclass
class _Touched:
    """The items a transaction names, as they were before it, and each table's stream length."""

    items: list[tuple[Any, Any, Any, Any]] = field(default_factory=list)  # (table, hash, range, item)
    streams: list[tuple[Any, int]] = field(default_factory=list)

    @classmethod
    def before(cls, backend: Any, transact_items: list[dict[str, Any]]) -> _Touched:
        from moto.dynamodb.models.dynamo_type import DynamoType

        touched = cls()
        for entry in transact_items:
            for op in entry.values():
                table = backend.tables.get(op.get("TableName"))
                key = op.get("Key") or op.get("Item") or {}
                if table is None or table.hash_key_attr not in key:
                    continue  # moto refuses it before writing anything
                hash_value = DynamoType(key[table.hash_key_attr])
                range_value = None
                if table.range_key_attr is not None:
                    if table.range_key_attr not in key:
                        continue
                    range_value = DynamoType(key[table.range_key_attr])
                if range_value is None:
                    item = table.items.get(hash_value)
                else:
                    item = table.items.get(hash_value, {}).get(range_value)
                touched.items.append((table, hash_value, range_value, copy.deepcopy(item)))
                if table.stream_shard is not None and all(t is not table for t, _ in touched.streams):
                    touched.streams.append((table, len(table.stream_shard.items)))
        return touched

    def restore(self) -> None:
        for table, hash_value, range_value, item in reversed(self.items):
            if range_value is None:
                if item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            elif item is None:
                table.items.get(hash_value, {}).pop(range_value, None)
            else:
                table.items[hash_value][range_value] = item
        for table, length in self.streams:
            del table.stream_shard.items[length:]


def _attribute_values_picked_directly() -> None:
    from moto.core.serialize import AttributePicker, JSONSerializer

    generic = JSONSerializer._serialize_type_structure

    @functools.wraps(generic)
    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        picker = self._value_picker
        if (
            shape.name != "AttributeValue"
            or type(value) is not dict
            or not key
            or not isinstance(picker, AttributePicker)
            or picker.response_transformers
        ):
            return generic(self, serialized, value, shape, key)
        wrapper: dict[str, Any] = {}
        for member_key, member_shape in shape.members.items():
            member_value = value.get(member_key)
            if member_value is not None:
                member_shape.parent = shape
                self._serialize(wrapper, member_value, member_shape, member_key)
        self._default_serialize(serialized, wrapper, shape, key)
        return None

    JSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb import models

    stand_in = _NoTableCopyInTransaction(models.Table)
    original = models.DynamoDBBackend.transact_write_items

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        touched = _Touched.before(self, transact_items)
        stand_in.begin()
        try:
            return original(self, transact_items)
        except Exception:
            touched.restore()  # a cancelled transaction writes nothing, as in DynamoDB
            raise
        finally:
            stand_in.end()

    models.copy = stand_in  # type: ignore[assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _attribute_values_picked_directly()
    _applied = True
