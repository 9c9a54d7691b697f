"""Test environment: set before anything from chalicelib is imported, and moto started before any
AWS client exists (STYLE.md habit 6)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.iam import record as iam_calls

iam_calls.install()  # every AWS call a deployed function makes is checked against its role (plugin.py)

from devstack.environment import local_environment  # noqa: E402
from devstack.localauth import LocalSigner  # noqa: E402

_AUTH_DIR = Path(tempfile.mkdtemp(prefix="threshold-test-auth-"))
atexit.register(shutil.rmtree, _AUTH_DIR, ignore_errors=True)  # each process (xdist worker) has its own
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
from devstack.metering import DynamoCalls  # noqa: E402
from tests.support.api import Api  # noqa: E402
from tests.support.iam.plugin import (  # noqa: E402, F401
    permissions_summary,
    pytest_sessionfinish,
    pytest_unconfigure,
    records_dir,
)
from tests.support.local_stack import LocalStack, start_local_stack  # noqa: E402
from tests.support.snapshots import DemoSnapshot, fresh_table  # noqa: E402

# Under pytest-xdist (`make test`), the tests that share a session fixture too costly to build twice run in
# one worker: every test using the fixture joins its group (`--dist loadgroup`), whatever its folder.
ONE_WORKER_FIXTURES = {"local_stack": "local_stack", "synth": "cdk_synth"}


@pytest.hookimpl(wrapper=True)  # around xdist's own hook, which reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    for item in items:
        for fixture, group in ONE_WORKER_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(group))
                break
    yield
    if getattr(config.option, "loadgroup", False):  # set in xdist workers only
        for item in items:
            _name_the_group(item)


def _name_the_group(item: pytest.Item) -> None:
    """xdist 3.8 tells its scheduler an item's group by suffixing its node id (`…@group`); on pytest 9.2 the
    suffix no longer reaches the id (pytest-xdist issue 1386) and groups are silently ignored. Until an
    xdist release fixes it, the suffix is set here the way pytest 9.2 stores ids."""
    from _pytest.nodeid import NodeId

    groups = {
        str(m.args[0] if m.args else m.kwargs.get("name", "default"))
        for m in item.iter_markers("xdist_group")
    }
    suffix = "@" + "_".join(sorted(groups))
    if groups and not item.nodeid.endswith(suffix):
        item._id = NodeId.parse(item.nodeid + suffix)


@pytest.fixture
def table() -> Iterator[None]:
    """A fresh, empty table for one test."""
    fresh_table()
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


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """One `make run` stack (emulator, API, triggers, demo data) for every test that needs the real
    thing, on spare ports; stopped with Ctrl-C at the end, which must exit cleanly."""
    stack = start_local_stack(tmp_path_factory.mktemp("local-stack"))
    yield stack
    assert stack.stop() == 0, "".join(stack.output)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """What `make test` shows after the tests: the permission check's figures and schemathesis's. Both are
    written to the run's shared folder by whichever xdist worker ran them (only this root conftest is
    loaded by xdist's controlling process)."""
    permissions_summary(terminalreporter)
    if hasattr(terminalreporter.config, "workerinput"):
        return
    from tests.contract.test_schemathesis import FIGURES_FILE

    figures = records_dir() / FIGURES_FILE
    if figures.exists():
        for line in figures.read_text().splitlines():
            terminalreporter.write_line(line)
