"""Cold start stays lean: importing the API module must not load what only some requests need.
(The timing itself is measured by `make bench`; this guards the cause without a timed test.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# (the validation libraries too: they load with the request models, never with `import app`)
DEFERRED = ["pydantic", "jwt", "cryptography", "aws_xray_sdk", "email_validator", "phonenumbers"]


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
