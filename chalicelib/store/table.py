"""The table: one PynamoDB base item, its indexes, declarative key formats and single-page queries.

Each entity declares its keys once (`KEY`, `INDEXES`) as format strings over its own attributes.
`refresh_keys()` derives every key attribute from them; no handler ever formats a key by hand.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import string
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar, TypeVar

from pynamodb.attributes import (
    DiscriminatorAttribute,
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.connection.table import TableConnection
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.clock import iso, parse_iso
from chalicelib.config import settings
from chalicelib.domain.entities import Address
from chalicelib.store import schema

E = TypeVar("E")
I = TypeVar("I", bound="TableItem")  # noqa: E741


@dataclass(frozen=True)
class KeyFormat:
    """A (partition, sort) pair of format strings, e.g. ("DEAL#{deal_id}", "W#PARTY#{user_id}")."""

    partition: str
    sort: str

    def fields(self) -> list[str]:
        names = []
        for template in (self.partition, self.sort):
            names += [name for _, name, _, _ in string.Formatter().parse(template) if name]
        return names

    def format(self, values: Mapping[str, Any]) -> tuple[str, str] | None:
        rendered = {}
        for name in self.fields():
            value = values.get(name)
            if value is None or value == "":
                return None  # sparse: an item without the value stays out of the index
            rendered[name] = key_text(value)
        return self.partition.format(**rendered), self.sort.format(**rendered)

    def partition_for(self, **values: Any) -> str:
        return self.partition.format(**{k: key_text(v) for k, v in values.items()})


def key_text(value: Any) -> str:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


class _Settings:
    table_name = settings().table_name
    region = settings().region
    connect_timeout_seconds = 2
    read_timeout_seconds = settings().dynamodb_timeout_seconds
    max_retry_attempts = 2


class Gsi1(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = schema.GSI1
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True, attr_name=schema.GLOBAL_INDEXES[schema.GSI1][0])
    sk = UnicodeAttribute(range_key=True, attr_name=schema.GLOBAL_INDEXES[schema.GSI1][1])


class Gsi2(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = schema.GSI2
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True, attr_name=schema.GLOBAL_INDEXES[schema.GSI2][0])
    sk = UnicodeAttribute(range_key=True, attr_name=schema.GLOBAL_INDEXES[schema.GSI2][1])


class Gsi3(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = schema.GSI3
        projection = AllProjection()

    pk = UnicodeAttribute(hash_key=True, attr_name=schema.GLOBAL_INDEXES[schema.GSI3][0])
    sk = UnicodeAttribute(range_key=True, attr_name=schema.GLOBAL_INDEXES[schema.GSI3][1])


class LazyDiscriminator(DiscriminatorAttribute):
    """A discriminator that knows, besides the item classes loaded, the module declaring each other kind: the
    first item read of such a kind imports its module (whose classes register themselves), so a feature's
    item classes and domain load with the first request that meets one, not with the API module."""

    def __init__(self, attr_name: str | None = None) -> None:
        super().__init__(attr_name=attr_name)
        self.modules: dict[str, str] = {}

    def declare(self, modules: Mapping[str, str]) -> None:
        """`{discriminator: dotted module}` for item classes not imported yet."""
        self.modules.update(modules)

    def deserialize(self, value: Any) -> type:
        if value not in self._discriminator_map and value in self.modules:
            importlib.import_module(self.modules[value])
        return super().deserialize(value)


class TableItem(Model):
    """Every item of the single table. `kind` tells PynamoDB which subclass an item is."""

    class Meta(_Settings):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name=schema.PARTITION_KEY)
    sk = UnicodeAttribute(range_key=True, attr_name=schema.SORT_KEY)
    kind = LazyDiscriminator(attr_name="kind")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    expires_at = TTLAttribute(null=True, attr_name=schema.TTL_ATTRIBUTE)

    gsi1 = Gsi1()
    gsi2 = Gsi2()
    gsi3 = Gsi3()

    # Declared by each entity item.
    KEY: ClassVar[KeyFormat]
    INDEXES: ClassVar[dict[str, KeyFormat]] = {}
    # Attributes an index depends on beyond those its key format names (a status that switches it off).
    INDEX_DEPENDS: ClassVar[dict[str, frozenset[str]]] = {}
    ENTITY: ClassVar[type[Any]]

    def key_values(self) -> dict[str, Any]:
        """The values key formats read; entities override to add derived ones (a shard, a month)."""
        return {name: getattr(self, name, None) for name in self.attribute_values}

    def index_enabled(self, index: str) -> bool:
        """Entities switch an index off for some states (a revoked party leaves its user's feed)."""
        return True

    def refresh_keys(self) -> None:
        values = self.key_values()
        key = self.KEY.format(values)
        if key is None:
            raise ValueError(f"{type(self).__name__} lacks a value its key needs")
        self.pk, self.sk = key
        for index in schema.GLOBAL_INDEXES:
            pair = self.INDEXES[index].format(values) if index in self.INDEXES else None
            if pair is not None and not self.index_enabled(index):
                pair = None
            attr = index.lower()
            setattr(self, f"{attr}pk", pair[0] if pair else None)
            setattr(self, f"{attr}sk", pair[1] if pair else None)

    def index_attributes_depending_on(self, changed: set[str]) -> set[str]:
        """The index key attributes to rewrite when `changed` attributes change."""
        names: set[str] = set()
        for index, fmt in self.INDEXES.items():
            sources = set(fmt.fields()) | self.INDEX_DEPENDS.get(index, frozenset())
            if sources & changed:
                names |= {f"{index.lower()}pk", f"{index.lower()}sk"}
        return names

    @classmethod
    def key_for(cls, **values: Any) -> tuple[str, str]:
        key = cls.KEY.format(values)
        if key is None:
            raise ValueError(f"{cls.__name__} key needs {cls.KEY.fields()}")
        return key

    # -- mapping between entity dataclasses and items ------------------------------------------

    @classmethod
    def from_entity(cls: type[I], entity: Any, **extra: Any) -> I:
        item = cls()
        for f in dataclasses.fields(entity):
            setattr(item, f.name, to_item_value(getattr(entity, f.name)))
        for name, value in extra.items():
            setattr(item, name, to_item_value(value))
        item.refresh_keys()
        return item

    def to_entity(self) -> Any:
        hints = type_hints(self.ENTITY)
        values = {}
        for f in dataclasses.fields(self.ENTITY):
            raw = getattr(self, f.name, None)
            if raw is None and f.name not in self.attribute_values:
                continue  # let the dataclass default apply
            values[f.name] = _to_entity_value(raw, hints[f.name])
        return self.ENTITY(**values)


@functools.cache  # an entity's annotations never change; resolving them costs more than the whole mapping
@typing.no_type_check
def type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def to_item_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_item_value(v) for k, v in dataclasses.asdict(value).items() if v is not None}
    if isinstance(value, dict):
        return {k: to_item_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_item_value(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, MapAttribute):
        return {k: _plain(v) for k, v in value.as_dict().items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _to_entity_value(raw: Any, hint: Any) -> Any:
    raw = _plain(raw)
    if raw is None:
        return None
    target = _strip_optional(hint)
    converters: dict[Any, Callable[[Any], Any]] = {
        datetime: parse_iso,
        date: date.fromisoformat,
        Address: lambda v: Address(**v),
        int: int,
        float: float,
    }
    if target in converters:
        return converters[target](raw)
    if isinstance(target, type) and issubclass(target, Enum):
        return target(raw)
    origin = typing.get_origin(target)
    if origin is dict and typing.get_args(target)[1] is date:
        return {k: date.fromisoformat(v) for k, v in raw.items()}
    if origin is list:
        return list(raw)
    return raw


def _strip_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


# -- the shared connection and single-request pages ----------------------------------------------


def connection() -> TableConnection:
    """One TableConnection (one botocore client) for every entity item class."""
    return TableItem._get_connection()


def declare_lazy_kinds(modules: Mapping[str, str]) -> None:
    """Item kinds whose classes load on first read: `{discriminator: dotted module}` (LazyDiscriminator)."""
    typing.cast(LazyDiscriminator, TableItem._get_discriminator_attribute()).declare(modules)


def share_connection(*item_classes: type[TableItem]) -> None:
    conn = connection()
    for cls in item_classes:
        cls._connection = conn


@dataclass
class Page:
    items: list[TableItem]
    last_key: dict[str, Any] | None


def query_page(
    partition: str,
    *,
    sort_condition: Condition | None = None,
    index: str | None = None,
    filter_condition: Condition | None = None,
    limit: int,
    start_key: dict[str, Any] | None = None,
    newest_first: bool = False,
    consistent: bool = False,
) -> Page:
    """Exactly one Query request: PynamoDB's iterators may silently fetch more pages to fill a limit
    (a filter can thin a page), which would break the one-Query-per-page budget."""
    data = connection().query(
        partition,
        range_key_condition=sort_condition,
        filter_condition=filter_condition,
        index_name=index,
        limit=limit,
        exclusive_start_key=start_key,
        scan_index_forward=not newest_first,
        consistent_read=consistent and index is None,
    )
    items = [TableItem.from_raw_data(raw) for raw in data.get("Items", [])]
    return Page(items=items, last_key=data.get("LastEvaluatedKey"))


def query_all(
    partition: str, *, sort_condition: Condition | None = None, consistent: bool = True
) -> list[TableItem]:
    """Every item of one partition (range), following pages only past DynamoDB's 1 MB page size."""
    items: list[TableItem] = []
    start: dict[str, Any] | None = None
    while True:
        page = query_page(
            partition, sort_condition=sort_condition, limit=1000, start_key=start, consistent=consistent
        )
        items += page.items
        if page.last_key is None:
            return items
        start = page.last_key
