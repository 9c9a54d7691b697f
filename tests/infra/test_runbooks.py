"""SSM Automation documents for runbooks: the console form is the runbook's input model, typed."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field

from infra.runbooks import payload, ssm_parameters


class ReassignInput(BaseModel):
    from_user_id: str = Field(description="whose open tasks move", pattern=r"^u_[a-z0-9]+$")
    to_user_id: str
    deal_id: str | None = None
    limit: int = 100
    notify: bool = False
    format: Literal["csv", "jsonl"] = "csv"
    tags: list[str] = []


def test_parameters_are_typed_from_the_input_model_and_dry_run_is_on_by_default() -> None:
    params = ssm_parameters(ReassignInput.model_json_schema())

    assert params["from_user_id"] == {
        "type": "String",
        "description": "whose open tasks move",
        "allowedPattern": r"^u_[a-z0-9]+$",
    }
    assert "default" not in params["to_user_id"]  # required: the console insists on a value
    assert params["deal_id"]["type"] == "String" and params["deal_id"]["default"] == ""
    assert params["limit"] == {"type": "Integer", "description": "Limit", "default": 100}
    assert params["notify"]["type"] == "Boolean"
    assert params["format"]["allowedValues"] == ["csv", "jsonl"]
    assert params["tags"]["type"] == "StringList"
    assert params["dry_run"]["type"] == "Boolean" and params["dry_run"]["default"] is True


def test_a_model_that_declares_dry_run_still_defaults_to_a_dry_run() -> None:
    class Risky(BaseModel):
        dry_run: bool = False

    assert ssm_parameters(Risky.model_json_schema())["dry_run"]["default"] is True


def test_the_payload_quotes_strings_and_passes_typed_values_and_the_execution_id() -> None:
    params = ssm_parameters(ReassignInput.model_json_schema())

    template = payload(params)
    # SSM substitutes {{ name }}; with sample values substituted the payload is the Lambda event
    filled = template
    for name, value in {
        "from_user_id": "u_1",
        "to_user_id": "u_2",
        "deal_id": "",
        "limit": "5",
        "notify": "true",
        "format": "csv",
        "tags": '["a"]',
        "dry_run": "true",
        "automation:EXECUTION_ID": "exec-1",
    }.items():
        filled = filled.replace("{{ " + name + " }}", value)
    event = json.loads(filled)

    assert event == {
        "from_user_id": "u_1",
        "to_user_id": "u_2",
        "deal_id": "",
        "limit": 5,
        "notify": True,
        "format": "csv",
        "tags": ["a"],
        "dry_run": True,
        "automation_execution_id": "exec-1",
    }
