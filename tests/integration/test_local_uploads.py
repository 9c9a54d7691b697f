"""The README's upload walkthrough, run as written against `make run` (the session's shared stack, on
spare ports): get a form from the API, POST the file to the emulator with curl, and see the version appear
once local mode's trigger has run the ingest on its own."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support.local_stack import ROOT, LocalStack

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="the walkthrough uses curl")


def readme_walkthrough() -> str:
    text = (ROOT / "README.md").read_text()
    return text.split("<!-- upload-walkthrough -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]


def test_the_readme_upload_walkthrough_runs_as_written(local_stack: LocalStack, tmp_path):
    script = (
        readme_walkthrough()
        .replace("http://127.0.0.1:8000", local_stack.api_url)
        .replace(".local/", f"{local_stack.directory}/")
    )
    bash = shutil.which("bash") or "/bin/bash"
    ran = subprocess.run([bash, "-ec", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.strip().splitlines()
    assert lines[0] == "204"  # the emulated S3 took the browser-style POST
    assert lines[-1] == "[('submitted', [(1, 'statement.pdf')])]"  # the ingest ran on its own
