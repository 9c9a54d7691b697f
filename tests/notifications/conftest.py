from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from chalicelib.config import settings
from tests.support.notify import Outbox, Sent


@pytest.fixture(scope="session")
def providers() -> None:
    """The sender identity and the event bus (moto keeps them for the session), shared by every folder whose
    tests run the outbox (intake, accounts, webhooks, e-signature, CRM in)."""
    ses = boto3.client("sesv2", region_name=settings().region)
    identities = {i["IdentityName"] for i in ses.list_email_identities()["EmailIdentities"]}
    if settings().sender_email not in identities:  # another test module (tests/support/mailbox.py) may have
        ses.create_email_identity(EmailIdentity=settings().sender_email)
    events = boto3.client("events", region_name=settings().region)
    if settings().event_bus_name not in {b["Name"] for b in events.list_event_buses()["EventBuses"]}:
        events.create_event_bus(Name=settings().event_bus_name)  # other test modules may have made it


@pytest.fixture
def outbox(seeded, providers) -> Outbox:
    """The table stream from now on (the seed's own events are not replayed), fed to `outbox`."""
    return Outbox()


@pytest.fixture
def sent() -> Iterator[Sent]:
    with Sent() as recorder:
        yield recorder
