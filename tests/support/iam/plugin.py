"""pytest hooks: each process writes the calls it recorded; the last one standing evaluates them all.

Works with and without pytest-xdist: the directory of record files is chosen once by the controlling
process (THRESHOLD_IAM_RECORDS, inherited by the workers); each worker writes `calls-<worker>.json` when
its session ends; the controller (or the only process) then evaluates every file against both
synthesized stages — if this run synthesized them (tests/infra, which writes their location here). A run
of a few tests that synthesizes nothing says so and evaluates nothing. A denied call fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.iam.check import Report, check_calls, check_service_principals
from tests.support.iam.deployed import Stage
from tests.support.iam.record import RECORDER

RECORDS = "THRESHOLD_IAM_RECORDS"
SYNTH_POINTER = "synthesized.txt"
STAGES = ("dev", "prod")
_reports: list[Report] = []


def records_dir() -> Path:
    if not os.environ.get(RECORDS):
        os.environ[RECORDS] = tempfile.mkdtemp(prefix="threshold-iam-calls-")
    return Path(os.environ[RECORDS])


# Chosen when the controlling process loads this module (tests/conftest.py), before xdist starts its
# workers: they inherit the variable, so every process writes into the same folder. The process that chose
# it removes it when the run ends (a folder named by the caller is left alone).
_CHOSEN_HERE = not os.environ.get(RECORDS)
records_dir()


def note_synthesized(outdir: Path) -> None:
    """tests/infra/conftest.py: where this run's templates are."""
    (records_dir() / SYNTH_POINTER).write_text(str(outdir))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    worker = config.workerinput["workerid"] if _is_worker(config) else "main"  # type: ignore[attr-defined]
    RECORDER.write(records_dir() / f"calls-{worker}.json")
    if _is_worker(config):
        return
    pointer = records_dir() / SYNTH_POINTER
    if not pointer.exists():
        return
    outdir = Path(pointer.read_text())
    files = sorted(records_dir().glob("calls-*.json"))
    for name in STAGES:
        stage = Stage.from_body(name, json.loads((outdir / f"threshold-{name}.template.json").read_text()))
        _reports.extend([check_calls(stage, files), check_service_principals(stage)])
    if any(r.denied for r in _reports):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    if _CHOSEN_HERE and not _is_worker(config):
        shutil.rmtree(records_dir(), ignore_errors=True)


def permissions_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """tests/conftest.py's terminal summary: what the permission check found."""
    if _is_worker(terminalreporter.config):
        return
    if not _reports:
        terminalreporter.write_line("permissions: not evaluated (this run synthesized no template)")
        return
    terminalreporter.section("permissions proven (recorded calls and service principals vs templates)")
    for report in _reports:
        terminalreporter.write_line(f"permissions {report.figures()}")
        for denial in report.denied:
            terminalreporter.write_line(f"  DENIED {denial}", red=True)
