from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from chalicelib.domain import webhook_urls
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
def stream(seeded):
    """The table stream from now on, fed to the `outbox` handler (which fans events out to webhooks)."""
    import boto3

    from chalicelib.config import settings
    from tests.support.notify import Outbox

    boto3.client("sesv2", region_name=settings().region).create_email_identity(
        EmailIdentity=settings().sender_email
    )
    events = boto3.client("events", region_name=settings().region)
    if settings().event_bus_name not in {b["Name"] for b in events.list_event_buses()["EventBuses"]}:
        events.create_event_bus(Name=settings().event_bus_name)
    return Outbox()


@pytest.fixture
def sent():
    from tests.support.notify import Sent

    with Sent() as recorder:
        yield recorder
