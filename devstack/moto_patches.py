"""Make moto's DynamoDB keep the guarantees the product relies on (local mode and tests; never deployed).

moto 5 falls short of DynamoDB in five ways that matter here:

1. **Nothing is serialised.** Its server answers requests on parallel threads, and a transaction checks
   its conditions item by item while other requests write: 30 parallel PATCHes with one If-Match could
   all pass the version check. Here one lock serialises every DynamoDB and DynamoDB Streams request, so a
   transaction is isolated from every other read and write, as DynamoDB's are (serializable).
2. **Rollback restores a deep copy of the whole table** (taken before every transaction), which loses
   whatever other threads wrote meanwhile, costs a copy of the table and its stream per transaction, and
   leaves the discarded table alive behind every stream iterator (GBs after a few hundred writes). Here a
   transaction checks every condition first and writes only when all hold; a write that still fails is
   undone item by item, and a cancelled transaction leaves no stream record (as in DynamoDB).
3. **ClientRequestToken is ignored**, so a retried commit applies twice or fails its own conditions.
   Here a token that committed answers success without writing again for 10 minutes after it completed,
   and the same token with other parameters answers IdempotentParameterMismatchException (AWS API
   reference, TransactWriteItems). A cancelled transaction does not consume its token.
4. **Stream records and shard iterators are kept forever.** DynamoDB keeps records 24 hours and an
   iterator lives 15 minutes; here iterators expire after 15 minutes and a shard keeps its newest
   `STREAM_RECORDS_KEPT` records (local mode's consumer reads every second, far behind that horizon).
5. **Every model object ever created stays alive**: moto's `BaseModel.__new__` appends each instance to a
   class-wide list for its dashboard, including every DynamoDB item, every copy moto makes of one on each
   update, every stream record and every whole-table snapshot of a transaction — about 15 MB per write
   in local mode, until the kernel killed it. DynamoDB's models are no longer tracked (nothing but the
   dashboard reads that list for them; S3 still uses it to close its files).

And one speed-up: moto serializes every response through a generic, model-driven serializer that looks
each member of each structure up through half a dozen alias rules; for a DynamoDB item that is ten lookups
per attribute, most of the time of a Query. `_attribute_values_picked_directly` gives DynamoDB's
AttributeValue (a plain dict such as `{"S": "x"}` in moto's results) the outcome those rules have for a
plain dict — the member under its own name — and leaves every other shape, and the serialization of each
member, to moto. `tests/integration/test_emulator.py` checks both give the same bytes. Another: a Query
reads only its own partition instead of sorting the whole table, and an item's size is summed once
(`devstack/moto_speed.py`).
"""

from __future__ import annotations

import copy
import functools
import inspect
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devstack import moto_speed

_applied = False

LOCK = threading.RLock()  # one DynamoDB: every request runs alone, as if DynamoDB serialised them
TOKEN_WINDOW_SECONDS = 600.0  # a ClientRequestToken is idempotent for 10 minutes after it completed
ITERATOR_LIFETIME_SECONDS = 900.0  # a shard iterator expires 15 minutes after it is returned
STREAM_RECORDS_KEPT = 5_000

# The clock the token window and iterator lifetimes read (tests move it).
clock: Callable[[], float] = time.monotonic


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.dynamodb import models, responses
    from moto.dynamodbstreams import models as stream_models
    from moto.dynamodbstreams import responses as stream_responses

    _serialise(responses.DynamoHandler)
    _serialise(stream_responses.DynamoDBStreamsHandler)
    models.DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    responses.DynamoHandler.transact_write_items = _honour_client_request_token(  # type: ignore[assignment,method-assign]
        responses.DynamoHandler.transact_write_items
    )
    _expire_shard_iterators(stream_models.DynamoDBStreamsBackend)
    _stop_tracking_dynamodb_models()
    _attribute_values_picked_directly()
    moto_speed.apply()
    _applied = True


# -- 1. one request at a time -------------------------------------------------------------------------


def _serialise(handler: Any) -> None:
    """Each action runs under the lock; rendering its answer (moto's slowest part) happens outside it, from
    the plain data the action returned."""
    for name, member in list(vars(handler).items()):
        if name.startswith("_") or name in NOT_ACTIONS or not inspect.isfunction(member):
            continue
        setattr(handler, name, _locked(member))


NOT_ACTIONS = frozenset({"call_action", "get_endpoint_name", "setup_class"})


def _locked(action: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(action)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with LOCK:
            try:
                return action(self, *args, **kwargs)
            finally:
                _trim_streams(self)

    return locked


# -- 2. transactions: all conditions first, then every write, undone item by item if one fails --------


@dataclass
class _Operation:
    kind: str  # "ConditionCheck" | "Put" | "Delete" | "Update"
    body: dict[str, Any]
    table: Any
    hash_key: Any
    range_key: Any


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    from moto.dynamodb.exceptions import (
        MockValidationException,
        TooManyTransactionsException,
        TransactionCanceledException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with LOCK:
        operations = _parse(self, transact_items)
        reasons = [_check_condition(op) for op in operations]
        if any(code is not None for code, _, _ in reasons):
            raise TransactionCanceledException(reasons)
        undo = _Undo()
        for index, op in enumerate(operations):
            undo.remember(op)
            try:
                _write(self, op)
            except MockValidationException:
                undo.rollback()
                raise
            except Exception as exc:  # as moto does: any other failure is that item's cancellation reason
                undo.rollback()
                reasons[index] = (type(exc).__name__, str(exc), None)
                raise TransactionCanceledException(reasons) from exc


def _parse(backend: Any, transact_items: list[dict[str, Any]]) -> list[_Operation]:
    from moto.dynamodb.exceptions import MultipleTransactionsException, TransactWriteSingleOpException
    from moto.dynamodb.models.dynamo_type import DynamoType

    operations, seen = [], set()
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        kind, body = next(iter(item.items()))
        if kind not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise ValueError("Unsupported transaction operation")
        table = backend.get_table(body["TableName"])
        source = body["Item"] if kind == "Put" else body["Key"]
        hash_key = DynamoType(source[table.hash_key_attr])
        range_key = DynamoType(source[table.range_key_attr]) if table.range_key_attr else None
        identity = (table.name, json.dumps(source[table.hash_key_attr], sort_keys=True), str(range_key))
        if identity in seen:
            raise MultipleTransactionsException()
        seen.add(identity)
        operations.append(_Operation(kind, body, table, hash_key, range_key))
    return operations


def _check_condition(op: _Operation) -> tuple[Any, Any, Any]:
    from moto.dynamodb.comparisons import get_filter_expression

    expression = op.body.get("ConditionExpression")
    if expression is None:
        return (None, None, None)
    current = op.table.get_item(op.hash_key, op.range_key)
    condition = get_filter_expression(
        expression, op.body.get("ExpressionAttributeNames"), op.body.get("ExpressionAttributeValues")
    )
    if condition.expr(current):
        return (None, None, None)
    item = None
    if op.body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current is not None:
        item = current.to_json()["Attributes"]
    return ("ConditionalCheckFailed", "The conditional request failed", item)


def _write(backend: Any, op: _Operation) -> None:
    # Conditions were checked above with nothing written in between (the lock), so none is passed again.
    key = op.body.get("Key")
    if op.kind == "Put":
        backend.put_item(op.table.name, op.body["Item"])
    elif op.kind == "Delete":
        backend.delete_item(op.table.name, key)
    elif op.kind == "Update":
        backend.update_item(
            op.table.name,
            key,
            update_expression=op.body["UpdateExpression"],
            expression_attribute_names=op.body.get("ExpressionAttributeNames"),
            expression_attribute_values=op.body.get("ExpressionAttributeValues"),
        )


class _Undo:
    """What a transaction overwrote, to put back if a later write of it fails."""

    def __init__(self) -> None:
        self.touched: list[tuple[_Operation, Any]] = []
        self._stream_marks: dict[int, tuple[Any, int]] = {}

    def remember(self, op: _Operation) -> None:
        shard = op.table.stream_shard
        if shard is not None and id(shard) not in self._stream_marks:
            self._stream_marks[id(shard)] = (shard, len(shard.items))
        before = op.table.get_item(op.hash_key, op.range_key)
        # updates change the stored item in place: keep a copy of it
        self.touched.append((op, copy.deepcopy(before) if op.kind == "Update" else before))

    def rollback(self) -> None:
        for op, before in reversed(self.touched):
            items = op.table.items
            if op.range_key is not None:
                if before is None:
                    items[op.hash_key].pop(op.range_key, None)
                else:
                    items[op.hash_key][op.range_key] = before
            elif before is None:
                items.pop(op.hash_key, None)
            else:
                items[op.hash_key] = before
        for shard, mark in self._stream_marks.values():
            del shard.items[mark:]


# -- 3. ClientRequestToken ------------------------------------------------------------------------------


def _honour_client_request_token(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(original)
    def transact_write_items(self: Any) -> Any:
        token = self.body.get("ClientRequestToken")
        if token is None:
            return original(self)
        from moto.core.responses import ActionResult

        fingerprint = json.dumps(
            {k: v for k, v in self.body.items() if k not in ("ClientRequestToken", "ReturnConsumedCapacity")},
            sort_keys=True,
        )
        tokens = _tokens(self.dynamodb_backend)
        with LOCK:
            now = clock()
            for old in [t for t, (_, done) in tokens.items() if now - done > TOKEN_WINDOW_SECONDS]:
                del tokens[old]
            if token in tokens:
                if tokens[token][0] != fingerprint:
                    raise IdempotentParameterMismatch()
                return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
            result = original(self)  # raises when cancelled: a failed transaction does not use its token
            tokens[token] = (fingerprint, clock())
            return result

    return transact_write_items


def _tokens(backend: Any) -> dict[str, tuple[str, float]]:
    tokens: dict[str, tuple[str, float]] | None = getattr(backend, "_client_request_tokens", None)
    if tokens is None:
        tokens = {}
        backend._client_request_tokens = tokens
    return tokens


def _mismatch_class() -> type[Exception]:
    from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException

    class _IdempotentParameterMismatch(DynamodbException):
        def __init__(self) -> None:
            super().__init__(
                ERROR_TYPE_PREFIX + "IdempotentParameterMismatchException",
                message="DynamoDB rejected the request because you retried a request with a different "
                "payload but with an idempotent token that was already used.",
            )

    return _IdempotentParameterMismatch


def IdempotentParameterMismatch() -> Exception:  # noqa: N802  (reads as the exception it raises)
    return _mismatch_class()()


# -- 4. bounded streams and iterators -------------------------------------------------------------------


def _trim_streams(handler: Any) -> None:
    backend = getattr(handler, "dynamodb_backend", None)
    if backend is None:
        return
    for table in backend.tables.values():
        shard = table.stream_shard
        if shard is not None and len(shard.items) > STREAM_RECORDS_KEPT:
            dropped = len(shard.items) - STREAM_RECORDS_KEPT
            del shard.items[:dropped]
            # sequence numbers stay what they were: the shard now starts later
            shard.starting_sequence_number += dropped


def _expire_shard_iterators(backend_cls: type) -> None:
    def shard_iterators(self: Any) -> dict[str, Any]:
        store: _ExpiringIterators | None = self.__dict__.get("_expiring_iterators")
        if store is None:
            store = _ExpiringIterators()
            self.__dict__["_expiring_iterators"] = store
        return store

    def ignore(self: Any, value: Any) -> None:  # moto's __init__ assigns a plain dict: keep ours
        return None

    backend_cls.shard_iterators = property(shard_iterators, ignore)  # type: ignore[attr-defined]


class _ExpiringIterators(dict[str, Any]):
    """moto registers an iterator per GetShardIterator and per GetRecords; forget them after 15 minutes."""

    def __init__(self) -> None:
        super().__init__()
        self._born: dict[str, float] = {}

    def __setitem__(self, key: str, value: Any) -> None:
        now = clock()
        if len(self._born) > 100:
            for old in [k for k, born in self._born.items() if now - born > ITERATOR_LIFETIME_SECONDS]:
                self._born.pop(old, None)
                self.pop(old, None)
        self._born[key] = now
        super().__setitem__(key, value)


# -- 5. no immortal copies -----------------------------------------------------------------------------

UNTRACKED_MODULES = ("moto.dynamodb.", "moto.dynamodbstreams.")


def _stop_tracking_dynamodb_models() -> None:
    from moto.core.common_models import BaseModel

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:  # noqa: N807  (replaces BaseModel.__new__)
        instance: Any = object.__new__(cls)
        if not cls.__module__.startswith(UNTRACKED_MODULES):
            cls.instances_tracked.append(instance)  # type: ignore[attr-defined]
        return instance

    BaseModel.__new__ = __new__  # type: ignore[method-assign]


# -- 6. a faster serializer for DynamoDB items --------------------------------------------------------


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
