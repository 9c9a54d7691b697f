"""Schemathesis against the app, in two tests: the examples and coverage phases over every operation, and the
stateful phase along the document's links (create a deal → read, edit, add tasks, request documents…);
every check on, response-schema conformance included. Bounded for `make test`
(tests/contract/schemathesis.toml); THRESHOLD_SCHEMATHESIS_EXAMPLES and THRESHOLD_SCHEMATHESIS_MAX_TIME run
it longer (docs/API.md).

It prints its figures (operations, cases, failures) at the end of the pytest run."""

from __future__ import annotations

import logging
import os
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from schemathesis.config import SchemathesisConfig

from app import app
from chalicelib.config import settings
from devstack import resources
from tests.conftest import SIGNER
from tests.support.iam.plugin import records_dir  # the run's shared folder (chosen before xdist starts)
from tests.support.wsgi import serving

CONFIG = Path(__file__).with_name("schemathesis.toml")
CALLER = "cora.coord@harbormain.example"  # a coordinator of the demo brokerage: reaches its deals


@dataclass
class Figures:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    scenarios: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        phases = ", ".join(f"{phase} {n}" for phase, n in sorted(self.scenarios.items()))
        return (
            f"schemathesis: {len(self.operations)} operations, {self.cases} cases ({phases}), "
            f"{len(self.failures)} failures, {len(self.errors)} errors, {self.seconds:.0f} s"
        )


FIGURES_FILE = "schemathesis-figures.txt"


# (phases enabled, share of the time budget): the stateful pass is not starved by the coverage pass. Each
# pass is its own test, so that under xdist the two run side by side on the two workers.
PASSES = {
    "examples_and_coverage": ({"examples": True, "coverage": True, "stateful": False}, 2 / 3),
    "stateful": ({"examples": False, "coverage": False, "stateful": True}, 1 / 3),
}


def _config(token: str, phases: dict[str, bool], share: float) -> SchemathesisConfig:
    settings_ = tomllib.loads(CONFIG.read_text())
    examples = os.environ.get("THRESHOLD_SCHEMATHESIS_EXAMPLES")
    if examples:
        settings_["generation"]["max-examples"] = int(examples)
    budget = int(os.environ.get("THRESHOLD_SCHEMATHESIS_MAX_TIME", "180"))
    settings_["max-time"] = max(10, round(budget * share))
    settings_["headers"] = {"Authorization": f"Bearer {token}"}
    for name, enabled in phases.items():
        settings_["phases"].setdefault(name, {})["enabled"] = enabled
    return SchemathesisConfig.from_dict(settings_)


def _run(base_url: str, token: str, figures: Figures, phases: dict[str, bool], share: float) -> None:
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    config = _config(token, phases, share)
    schema = schemathesis.openapi.from_url(f"{base_url}/v1/openapi.json", config=config)
    _execute(from_schema(schema), figures, Status, events)


def _execute(engine: Any, figures: Figures, Status: Any, events: Any) -> None:  # noqa: N803 (the engine's names)
    for event in engine.execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            figures.operations.add(recorder.label)
            figures.cases += len(recorder.cases)
            figures.scenarios[str(event.phase.value)] += 1
            for checks in recorder.checks.values():
                for check in checks:
                    if check.status is Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        figures.failures.append(
                            f"{recorder.label}: {check.name}: {failure.title}\n"
                            f"    {failure.message[:400]}\n    {check.failure_info.code_sample[:600]}"
                        )
        elif isinstance(event, events.NonFatalError):
            figures.errors.append(f"{event.label}: {str(event.value)[:400]}")
        elif isinstance(event, events.FatalError):
            figures.errors.append(f"fatal: {event.exception}")
        elif isinstance(event, events.EngineFinished):
            figures.seconds += event.running_time


@pytest.fixture
def documents_bucket(seeded) -> None:
    """Exports and upload forms write to the documents bucket, as in local mode."""
    import boto3

    s3 = boto3.client("s3", region_name=settings().region)
    if settings().documents_bucket not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        resources.create_documents_storage(settings())


@pytest.mark.parametrize("name", PASSES)
def test_schemathesis_finds_no_failure(documents_bucket, name):
    phases, share = PASSES[name]
    # Given the demo data, the documents bucket and a coordinator's token
    token = SIGNER.mint(CALLER)
    logging.getLogger("threshold").setLevel(logging.WARNING)  # one access-log line per case is noise here
    try:
        # When schemathesis runs the pass's phases, every check on, against the app
        figures = Figures()
        with serving(app) as base_url:
            _run(base_url, token, figures, phases, share)
    finally:
        logging.getLogger("threshold").setLevel(logging.INFO)
    with (records_dir() / FIGURES_FILE).open("a") as shared:  # for the controller, under xdist
        shared.write(f"{figures.line()} ({name.replace('_', ' ')})\n")
    # Then nothing failed, and the pass did its work: every operation, or chains of linked calls
    assert not figures.errors, "\n".join(figures.errors[:20])
    assert not figures.failures, f"{figures.line()}\n" + "\n".join(sorted(set(figures.failures))[:30])
    if name == "examples_and_coverage":
        assert len(figures.operations) >= 40, figures.line()
    else:
        assert figures.cases >= 100, figures.line()
