"""Cold start stays lean: importing the API module must not load what only some requests need.
(The timing itself is measured by `make bench`; this guards the cause without a timed test.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the validation libraries (email-validator, libphonenumber) and defusedcsv load with the request model
# or the export that needs them, never with the API module; so do those of intake (matching, addresses),
# templates (YAML, JSON Patch) and integrations (webhook signatures, calendars)
DEFERRED = [
    "pydantic",
    "jwt",
    "cryptography",
    "aws_xray_sdk",
    "email_validator",
    "phonenumbers",
    "defusedcsv",
    # the libraries of intake, templates and integrations load with the route that needs them
    "rapidfuzz",
    "usaddress",
    "yaml",
    "jsonpatch",
    "standardwebhooks",
    "icalendar",
]


def test_importing_the_api_loads_no_deferred_module():
    code = f"import sys, json, app; print(json.dumps([m for m in {DEFERRED!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
