"""Synthesize every stage once per test session, in a child process, and hand the templates to the tests.

A child process because `chalice package` imports app.py with the deployed stage's environment, which must
not meet the test environment (local mode, moto) of this process — nor its already-imported modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.environment import local_environment
from tests.support.iam.plugin import note_synthesized

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Synth:
    outdir: Path
    seconds: float
    output: str

    def template(self, stage: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.outdir / f"threshold-{stage}.template.json").read_text())
        return data

    def templates(self) -> list[Path]:
        return sorted(self.outdir.glob("*.template.json"))


def _child_environment() -> dict[str, str]:
    """This process's environment without what the test suite set for local mode."""
    ours = set(local_environment("file:///unused")) | {"AWS_ENDPOINT_URL", "USER_POOL_ID"}
    return {k: v for k, v in os.environ.items() if k not in ours and not k.startswith("THRESHOLD_")}


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    outdir = tmp_path_factory.mktemp("cdk") / "cdk.out"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "infra.synth", "--outdir", str(outdir), "--no-lint"],
        cwd=ROOT,
        env=_child_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        pytest.fail(f"make synth failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    note_synthesized(outdir)  # the session's end checks every recorded AWS call against these
    return Synth(outdir, seconds, done.stdout)


@pytest.fixture(scope="session")
def dev(synth: Synth) -> dict[str, Any]:
    return synth.template("dev")


@pytest.fixture(scope="session")
def prod(synth: Synth) -> dict[str, Any]:
    return synth.template("prod")
