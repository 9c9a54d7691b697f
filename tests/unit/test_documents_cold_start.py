"""The document routes and the ingest handler add nothing heavy to the API's cold import: boto3 (for the S3
client) and the ingest's service modules load on first use, and the S3 client is created once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_api_loads_neither_boto3_nor_the_ingest():
    code = (
        "import sys, json, app; "
        "print(json.dumps([m for m in ('boto3', 'chalicelib.services.ingest') if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_s3_client_is_created_once():
    from chalicelib.store import objects

    assert objects.client() is objects.client()
