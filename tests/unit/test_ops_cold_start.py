"""The ops routes and runbooks are rarely used: the API's cold start does not load their services."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.unit.test_cold_start import ROOT

OPS_MODULES = [
    "chalicelib.services.invitations",
    "chalicelib.services.admin_users",
    "chalicelib.services.reassign",
    "chalicelib.services.exports",
    "chalicelib.services.reports",
    "chalicelib.runbooks.framework",
    "chalicelib.store.mail",
]


def test_importing_the_api_loads_no_ops_service():
    code = f"import sys, json, app; print(json.dumps([m for m in {OPS_MODULES!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
