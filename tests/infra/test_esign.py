"""E-signature in the stack (docs/ESIGN.md): the API reads exactly its stage's e-signature parameters, the
provider's webhook is public and throttled on its own, and the permission harness proves the read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.infra.support import one, statements
from tests.support.iam.check import check_calls
from tests.support.iam.deployed import Stage

CONNECT = "/v1/integrations/docusign/connect/{org_id}"


def test_the_api_may_read_its_stages_esign_parameters_and_nothing_else_of_ssm(prod: dict[str, Any]) -> None:
    stage = Stage.from_body("prod", prod)
    grants = [s for _, s in statements(prod) if any(str(a).startswith("ssm:") for a in _list(s["Action"]))]
    assert len(grants) == 1 and grants[0]["Action"] == "ssm:GetParameter"
    [resource] = _list(grants[0]["Resource"])
    assert stage.template.resolve(resource) == "arn:aws:ssm:us-east-1:123456789012:parameter/stack/esign/*"
    env = stage.template.environment("api_handler")
    assert env["ESIGN_PARAMETER_PREFIX"] == "/stack/esign"


def test_the_webhook_is_public_and_throttled_on_its_own(prod: dict[str, Any]) -> None:
    _, api = one(prod, "AWS::Serverless::Api")
    props = api["Properties"]
    connect = "/~1v1~1integrations~1docusign~1connect~1{org_id}"
    [own] = [m for m in props["MethodSettings"] if m["ResourcePath"] == connect]
    assert (
        own["HttpMethod"] == "POST"
        and own["ThrottlingRateLimit"] < props["MethodSettings"][0]["ThrottlingRateLimit"]
    )
    assert "security" not in props["DefinitionBody"]["paths"][CONNECT]["post"]


def _recorded(tmp_path: Path, name: str) -> Path:
    environment = {"ESIGN_PARAMETER_PREFIX": "/threshold-local/esign", "AWS_REGION": "us-east-1"}
    params = {"Name": name, "WithDecryption": True}
    records = [{"call": ["api_handler", "ssm", "GetParameter", params], "count": 1}]
    path = tmp_path / "calls-main.json"
    path.write_text(json.dumps({"environment": environment, "unattributed": 0, "records": records}))
    return path


def test_the_harness_allows_the_orgs_parameter_and_names_a_read_outside_it(
    prod: dict[str, Any], tmp_path: Path
) -> None:
    stage = Stage.from_body("prod", prod)
    allowed = check_calls(stage, [_recorded(tmp_path, "/threshold-local/esign/o_abc")])
    assert allowed.denied == []
    assert (
        "api_handler",
        "ssm:GetParameter",
        "arn:aws:ssm:us-east-1:123456789012:parameter/stack/esign/o_abc",
    ) in (allowed.evaluated)
    outside = check_calls(stage, [_recorded(tmp_path, "/other-app/secrets/db")])
    assert [d.action for d in outside.denied] == ["ssm:GetParameter"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
