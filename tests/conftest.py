"""Test environment: set before anything from chalicelib is imported, and moto started before any
AWS client exists (STYLE.md habit 6)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.iam import record as iam_calls

iam_calls.install()  # every AWS call a deployed function makes is checked against its role (plugin.py)

from devstack.environment import local_environment  # noqa: E402
from devstack.localauth import LocalSigner  # noqa: E402

_AUTH_DIR = Path(tempfile.mkdtemp(prefix="threshold-test-auth-"))
SIGNER = LocalSigner(_AUTH_DIR)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.update(local_environment(SIGNER.jwks_url))
os.environ.update({"TABLE_NAME": "threshold-test", "DOCUMENTS_BUCKET": "threshold-test-documents"})

from moto import mock_aws  # noqa: E402

from devstack import moto_patches  # noqa: E402

moto_patches.apply()
_MOCK = mock_aws()
_MOCK.start()

from devstack.resources import create_user_pool  # noqa: E402

# Invitees get a Cognito user (store/accounts.py); the pool's id is a setting, so it exists first.
USER_POOL = create_user_pool(os.environ["AWS_REGION"])
os.environ["USER_POOL_ID"] = USER_POOL.pool_id

import pytest  # noqa: E402

from chalicelib import clock  # noqa: E402
from chalicelib.config import settings  # noqa: E402
from devstack import resources  # noqa: E402
from devstack.metering import DynamoCalls  # noqa: E402
from tests.support.api import Api  # noqa: E402
from tests.support.iam.plugin import pytest_sessionfinish, pytest_terminal_summary  # noqa: E402, F401
from tests.support.snapshots import DemoSnapshot  # noqa: E402


@pytest.fixture
def table() -> Iterator[None]:
    """A fresh, empty table for one test."""
    resources.drop_table(settings())
    resources.create_table(settings())
    yield
    clock.freeze(None)


@pytest.fixture
def api() -> Api:
    return Api(SIGNER)


@pytest.fixture
def ddb_calls() -> Iterator[DynamoCalls]:
    with DynamoCalls() as calls:
        yield calls


@pytest.fixture(scope="session")
def demo_snapshot() -> DemoSnapshot:
    return DemoSnapshot()


@pytest.fixture
def seeded(demo_snapshot: DemoSnapshot, table: None):
    """The demo data of local mode, fresh for one test."""
    return demo_snapshot.restore()
