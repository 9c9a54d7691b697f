"""A TypeScript client generated from the OpenAPI document (openapi-typescript) type-checks with tsc,
together with a small portal module written against it (tools/ts-client/src/portal.ts)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.api import openapi

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "ts-client"
BIN = TOOLS / "node_modules" / ".bin"


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=TOOLS, capture_output=True, text=True, timeout=300, check=False)


def test_the_generated_typescript_client_type_checks():
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the TypeScript client check needs Node.js 20 or newer")
    if not (BIN / "tsc").exists():
        pytest.fail("the TypeScript tools are not installed: run `make ts-client` (make test does)")
    # Given the document the app serves
    build = TOOLS / "build"
    build.mkdir(exist_ok=True)
    (build / "openapi.json").write_text(json.dumps(openapi.document()))
    # When openapi-typescript generates the types and tsc checks them with the portal module
    generated = run(
        str(BIN / "openapi-typescript"),
        "build/openapi.json",
        "--output",
        "build/schema.d.ts",
        "--default-non-nullable",
        "false",
    )
    assert generated.returncode == 0, generated.stderr
    checked = run(str(BIN / "tsc"), "--noEmit", "-p", ".")
    # Then nothing is refused
    assert checked.returncode == 0, checked.stdout + checked.stderr
