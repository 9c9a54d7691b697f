from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from chalicelib.domain import webhook_urls
from tests.notifications.conftest import providers, sent  # noqa: F401 - shared with the notification tests
from tests.support.notify import Outbox
from tests.webhooks.support import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The resolver seam: host name → addresses; a name not listed does not resolve."""
    table: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise webhook_urls.Unresolved(host)
        return table[host]

    monkeypatch.setattr(webhook_urls, "resolver", resolve)
    return table


@pytest.fixture
def loopback_off(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    def off() -> None:
        monkeypatch.delenv(webhook_urls.LOOPBACK_SETTING, raising=False)

    return off


@pytest.fixture
def stream(seeded: Any, providers: None) -> Outbox:  # noqa: F811 - the imported fixture, by name
    """The table stream from now on, fed to the `outbox` handler (which fans events out to webhooks)."""
    return Outbox()
