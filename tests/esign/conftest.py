from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.config import settings
from chalicelib.integrations.esign import docusign as docusign_client
from chalicelib.integrations.esign import settings as esign_settings
from devstack.fake_docusign import FakeDocuSign
from tests.documents.conftest import _storage, park, storage  # noqa: F401 - shared fixtures
from tests.notifications.conftest import outbox, providers  # noqa: F401 - shared fixtures


@pytest.fixture(scope="session")
def _fake() -> Iterator[FakeDocuSign]:
    fake = FakeDocuSign().start()
    yield fake
    fake.stop()


def configure(org_id: str, configuration: dict[str, Any]) -> None:
    """Store an org's e-signature configuration where a deployed stage keeps it (an SSM SecureString)."""
    boto3.client("ssm", region_name=settings().region).put_parameter(
        Name=f"{os.environ['ESIGN_PARAMETER_PREFIX']}/{org_id}",
        Value=json.dumps(configuration),
        Type="SecureString",
        Overwrite=True,
    )
    esign_settings.forget()


@pytest.fixture
def docusign(_fake: FakeDocuSign, seeded, storage, park, api) -> Iterator[FakeDocuSign]:  # noqa: F811
    """The local DocuSign, configured for Harbor & Main (the park deal's org); a clean slate per test."""
    _fake.reset()
    docusign_client.forget_tokens()
    org_id = api.get(f"/v1/deals/{park}", as_user="cora.coord@harbormain.example").json["org_id"]
    configure(org_id, _fake.configuration())
    yield _fake
    esign_settings.forget()
