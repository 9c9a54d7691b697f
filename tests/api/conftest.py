from __future__ import annotations

import pytest

from devstack.seed import Demo
from tests.support.snapshots import DemoSnapshot


@pytest.fixture(scope="module")
def demo(demo_snapshot: DemoSnapshot) -> Demo:
    """The demo data of local mode, restored once for a module of read-mostly tests."""
    return demo_snapshot.restore()
