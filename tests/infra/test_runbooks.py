"""SSM Automation documents for runbooks: the console form is the runbook's input model, typed, and the
document's step turns what the operator typed into the event the model accepts."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from infra.runbooks import SCRIPT, document_content, ssm_parameters
from tests.infra.support import as_list, functions, logical_id_of_function, refers_to, resources, statements


class ReassignInput(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    requested_by: str = Field(description="who is running it", pattern=r"^[\w+=,.@:/-]{3,200}$")
    to_user_id: str
    deal_id: str | None = Field(default=None, pattern=r"^d_[a-z0-9]+$")
    limit: int = 100
    notify: bool = False
    format: Literal["csv", "jsonl"] = "csv"
    dry_run: bool = True


def test_parameters_are_typed_from_the_input_model_and_dry_run_is_on_by_default() -> None:
    params = ssm_parameters(ReassignInput.model_json_schema())

    assert params["requested_by"] == {
        "type": "String",
        "description": "who is running it",
        "allowedPattern": r"^[\w+=,.@:/-]{3,200}$",
    }
    assert "default" not in params["to_user_id"]  # required: the console insists on a value
    # optional: may stay empty, which its pattern then allows
    assert params["deal_id"] == {
        "type": "String",
        "description": "Deal Id",
        "allowedPattern": r"^$|^d_[a-z0-9]+$",
        "default": "",
    }
    assert params["limit"] == {"type": "Integer", "description": "Limit", "default": 100}
    assert params["notify"]["type"] == "Boolean"
    assert params["format"]["allowedValues"] == ["csv", "jsonl"]
    assert params["dry_run"]["type"] == "Boolean" and params["dry_run"]["default"] is True


def test_a_model_that_defaults_to_a_real_run_still_defaults_to_a_dry_run_in_the_console() -> None:
    class Risky(BaseModel):
        dry_run: bool = False

    assert ssm_parameters(Risky.model_json_schema())["dry_run"]["default"] is True


class _Lambda:
    def __init__(self, answer: Any, error: bool = False) -> None:
        self.answer, self.error = answer, error
        self.calls: list[tuple[str, Any]] = []

    def invoke(self, FunctionName: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803 - boto3's names
        self.calls.append((FunctionName, json.loads(Payload)))
        reply: dict[str, Any] = {"Payload": io.BytesIO(json.dumps(self.answer).encode())}
        if self.error:
            reply["FunctionError"] = "Unhandled"
        return reply


def _run_step(event: dict[str, Any], client: _Lambda) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(SCRIPT, "runbook-step", "exec"), namespace)  # noqa: S102 - the document's own script
    namespace["boto3"] = SimpleNamespace(client=lambda service: client)
    result: dict[str, Any] = namespace["run"](event, None)
    return result


def _step_input(substituted: dict[str, Any]) -> dict[str, Any]:
    """The step's InputPayload as SSM hands it over, with the operator's values substituted."""
    fn = SimpleNamespace(name="runbook_reassign_tasks", resource=SimpleNamespace(ref="fn-name"))
    params = ssm_parameters(ReassignInput.model_json_schema())
    (step,) = document_content(fn, params, "role-arn")["mainSteps"]  # type: ignore[arg-type]
    payload: dict[str, Any] = step["inputs"]["InputPayload"]
    assert payload["parameters"] == {name: "{{ " + name + " }}" for name in params}
    return {**payload, "parameters": substituted}


def test_the_step_sends_the_event_the_strict_model_accepts() -> None:
    # Given what an operator typed in the console (SSM may hand typed values over as strings)
    event = _step_input(
        {
            "requested_by": "jane.ops",
            "to_user_id": "u_2",
            "deal_id": "",
            "limit": "5",
            "notify": "true",
            "format": "csv",
            "dry_run": True,
        }
    )
    client = _Lambda({"runbook": "runbook_reassign_tasks", "plan": []})

    # When the step runs
    result = _run_step(event, client)

    # Then the function got typed values without the empty optional field, and the model accepts them
    ((function, sent),) = client.calls
    assert function == "fn-name"
    assert sent == {
        "requested_by": "jane.ops",
        "to_user_id": "u_2",
        "limit": 5,
        "notify": True,
        "format": "csv",
        "dry_run": True,
    }
    ReassignInput.model_validate_json(json.dumps(sent))
    assert json.loads(result["answer"]) == {"runbook": "runbook_reassign_tasks", "plan": []}


def test_a_failed_run_fails_the_step() -> None:
    event = _step_input({"requested_by": "jane.ops", "to_user_id": "u_2", "dry_run": True})
    with pytest.raises(RuntimeError, match="invalid input"):
        _run_step(event, _Lambda({"errorMessage": "runbook_reassign_tasks: invalid input"}, error=True))


def test_each_runbook_has_a_console_document_with_its_typed_parameters(prod: dict[str, Any]) -> None:
    runbooks = {n for n in functions(prod) if n.startswith("runbook_")}
    documents = {v["Properties"]["Name"]: v for v in resources(prod, "AWS::SSM::Document").values()}
    assert runbooks and len(documents) == len(runbooks)
    for name in runbooks:
        doc = documents[f"threshold-prod-{name.removeprefix('runbook_').replace('_', '-')}"]["Properties"]
        params = doc["Content"]["parameters"]
        assert doc["DocumentType"] == "Automation"
        assert params["dry_run"] == {**params["dry_run"], "type": "Boolean", "default": True}
        assert "default" not in params["requested_by"]  # who runs it: the operator must say
        (step,) = doc["Content"]["mainSteps"]
        assert step["inputs"]["InputPayload"]["function"] == {"Ref": logical_id_of_function(prod, name)}
    # the automation role may invoke the runbooks and nothing else
    (role_id,) = [
        k for k, v in resources(prod, "AWS::IAM::Role").items() if "ssm.amazonaws.com" in json.dumps(v)
    ]
    policies = {
        pid
        for pid, body in resources(prod, "AWS::IAM::Policy").items()
        if any(refers_to(r, role_id) for r in body["Properties"]["Roles"])
    }
    granted = [s for pid, s in statements(prod) if pid in policies]
    assert [as_list(s["Action"]) for s in granted] == [["lambda:InvokeFunction"]]
    invoked = {r["Fn::GetAtt"][0] for r in as_list(granted[0]["Resource"])}
    assert invoked == {logical_id_of_function(prod, name) for name in runbooks}
