"""A module that loads on first use, for the route modules of features (docs/BENCHMARKS.md).

A route module must be imported with the API (Chalice registers routes at import), but a feature's
response shapes and views need not be: `out = LazyModule("chalicelib.domain.webhook_responses")` stands
for the module until the first `out.name` is read — by a request of that feature, or by the OpenAPI
document resolving a view's return annotation (`Answer[out.WebhookOut]`). Route modules name it under
`TYPE_CHECKING` as the module itself, so mypy checks every use as before.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self._lazy_name = name

    def __getattr__(self, attr: str) -> Any:
        # every read goes to the module itself, so a name patched there (a test's monkeypatch) is seen here
        return getattr(importlib.import_module(self._lazy_name), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._lazy_name!r}>"
