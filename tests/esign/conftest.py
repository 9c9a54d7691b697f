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
from devstack import resources
from devstack.fake_docusign import FakeDocuSign
from tests.notifications.conftest import outbox, providers, sent  # noqa: F401 - the outbox, shared
from tests.support.demo import deal_id

# The documents bucket, the upload queue, SES's sender and the event bus are created once per process by
# whichever test folder gets there first (tests/documents, tests/notifications): these fixtures reuse what
# exists instead of creating it again (a second CreateQueue with other attributes is refused).


@pytest.fixture(scope="session")
def _upload_queue() -> str:
    sqs = boto3.client("sqs", region_name=settings().region)
    try:
        return str(sqs.get_queue_url(QueueName=settings().upload_queue_name)["QueueUrl"])
    except sqs.exceptions.QueueDoesNotExist:
        resources.create_documents_storage(settings())
        return str(resources.upload_queue_url(settings()))


@pytest.fixture
def storage(_upload_queue: str) -> None:
    """The documents bucket and an empty upload queue."""
    sqs = boto3.client("sqs", region_name=settings().region)
    while messages := sqs.receive_message(QueueUrl=_upload_queue, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=_upload_queue, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def park(seeded) -> str:
    """The Reyes purchase: clients Bianca and Ben, agent Alex; lender, title and attorney."""
    return deal_id(seeded, "park_purchase")


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
def docusign(_fake: FakeDocuSign, seeded, storage, park, api) -> Iterator[FakeDocuSign]:
    """The local DocuSign, configured for Harbor & Main (the park deal's org); a clean slate per test."""
    _fake.reset()
    docusign_client.forget_tokens()
    org_id = api.get(f"/v1/deals/{park}", as_user="cora.coord@harbormain.example").json["org_id"]
    configure(org_id, _fake.configuration())
    yield _fake
    esign_settings.forget()
