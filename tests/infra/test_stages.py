"""Stage configuration from CDK context: a deployed stage is https, prod keeps its data."""

from __future__ import annotations

from typing import Any

import pytest

from infra.stages import StageConfigError, from_context, selected

VALID: dict[str, Any] = {
    "portal_url": "https://portal.example",
    "portal_origins": ["https://portal.example", "https://admin.example/"],
    "sender_email": "portal@example.com",
    "log_retention_days": 30,
    "retain_data": True,
}


def test_a_valid_stage_reads_its_origins_without_trailing_slashes() -> None:
    config = from_context("prod", VALID)
    assert config.portal_origins == ("https://portal.example", "https://admin.example")
    assert config.stack_name == "threshold-prod"
    assert config.upload_queue_name == "threshold-prod-uploads"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"portal_origins": ["http://localhost:3000"]}, "is not https"),
        ({"portal_origins": []}, "at least one origin"),
        ({"retain_data": False}, "prod must retain its data"),
        ({"log_retention_days": 31}, "log_retention_days must be one of"),
        ({"sender_email": "nobody"}, "must be an email address"),
    ],
)
def test_a_stage_that_would_deploy_unsafely_is_refused(change: dict[str, Any], problem: str) -> None:
    with pytest.raises(StageConfigError, match=problem):
        from_context("prod", {**VALID, **change})


def test_an_unknown_or_unconfigured_stage_is_refused() -> None:
    with pytest.raises(StageConfigError, match="stage must be one of"):
        from_context("staging", VALID)
    with pytest.raises(StageConfigError, match="missing 'portal_url'"):
        selected({"threshold:stages": {"dev": VALID}}, "prod")


def test_without_a_stage_every_configured_stage_is_built() -> None:
    context = {"threshold:stages": {"dev": {**VALID, "retain_data": False}, "prod": VALID}}
    assert [c.name for c in selected(context, None)] == ["dev", "prod"]
