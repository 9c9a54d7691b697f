from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from chalicelib.config import settings
from chalicelib.domain import workflows
from devstack import resources


@pytest.fixture(scope="session")
def documents_bucket() -> None:
    """The documents bucket, where definitions too large for an item go (shared: keys are unique). Another
    folder's fixture may have made it already in this process (tests/documents, tests/esign)."""
    s3 = boto3.client("s3", region_name=settings().region)
    if settings().documents_bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        resources.create_documents_storage(settings())


@pytest.fixture(autouse=True)
def cold_template_cache() -> Iterator[None]:
    """Each test starts as a cold function would: no org template read yet (tables are per test)."""
    workflows.ORG_TEMPLATE_CACHE.clear()
    yield
    workflows.ORG_TEMPLATE_CACHE.clear()
