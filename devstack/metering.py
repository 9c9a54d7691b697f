"""Counting DynamoDB requests with a botocore event hook, for the request budgets of PRODUCT.md §3

`before-call` fires once per API call (retries are below it), so the count is what a budget means.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from chalicelib.store.table import connection


class DynamoCalls:
    def __init__(self) -> None:
        self.operations: list[str] = []
        self.items_read = 0

    def __enter__(self) -> DynamoCalls:
        self._events = connection().connection.client.meta.events
        self._events.register("before-call.dynamodb", self._count)
        self._events.register("after-call.dynamodb", self._read)
        return self

    def __exit__(self, *exc: object) -> None:
        self._events.unregister("before-call.dynamodb", self._count)
        self._events.unregister("after-call.dynamodb", self._read)

    def _count(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def _read(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("Query", "Scan"):
            self.items_read += int(parsed.get("ScannedCount", parsed.get("Count", 0)))
        elif model.name == "BatchGetItem":
            self.items_read += sum(len(v) for v in parsed.get("Responses", {}).values())
        elif model.name == "GetItem":
            self.items_read += 1 if parsed.get("Item") else 0

    def reset(self) -> None:
        self.operations.clear()
        self.items_read = 0

    @property
    def count(self) -> int:
        return len(self.operations)

    def by_operation(self) -> Counter[str]:
        return Counter(self.operations)
