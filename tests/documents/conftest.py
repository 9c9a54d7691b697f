from __future__ import annotations

import boto3
import pytest

from chalicelib.config import settings
from devstack import resources
from tests.support.demo import deal_id


@pytest.fixture(scope="session")
def _storage() -> str:
    resources.create_documents_storage(settings())
    url = resources.upload_queue_url(settings())
    # a message a test leaves failed is visible again at once, for the next test's drain to remove
    boto3.client("sqs", region_name=settings().region).set_queue_attributes(
        QueueUrl=url, Attributes={"VisibilityTimeout": "0"}
    )
    return url


@pytest.fixture
def storage(_storage: str) -> None:
    """The documents bucket and an empty upload queue (S3 keys are unique per upload, so the bucket is
    shared across tests)."""
    sqs = boto3.client("sqs", region_name=settings().region)
    while messages := sqs.receive_message(QueueUrl=_storage, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=_storage, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def park(seeded) -> str:
    """The Reyes purchase: client Bianca, co-client Ben, lender Lena, title Tom, attorney Ann."""
    return deal_id(seeded, "park_purchase")
