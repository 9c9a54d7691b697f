"""The permission harness can fail: a permission taken out of a role, or a statement out of a topic's
policy, and it names the function (or service), the action and the resource (docs/DEVELOPING.md)."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.iam.check import check_calls, check_service_principals
from tests.support.iam.deployed import Stage
from tests.support.iam.record import RESOURCE_VARIABLES

EXPORT_KEY = "exports/o_1/activity.jsonl"


def _recorded_export(tmp_path: Path) -> Path:
    """What the activity export runbook records: its export, written with a tag."""
    environment = {name: os.environ.get(name, "") for name in RESOURCE_VARIABLES}
    params = {
        "Bucket": environment["DOCUMENTS_BUCKET"],
        "Key": EXPORT_KEY,
        "Tagging": "threshold-kind=export",
    }
    records = [{"call": ["runbook_export_activity", "s3", "PutObject", params], "count": 1}]
    path = tmp_path / "calls-main.json"
    path.write_text(json.dumps({"environment": environment, "unattributed": 0, "records": records}))
    return path


def _without_action(template: dict[str, Any], function: str, action: str) -> dict[str, Any]:
    changed = copy.deepcopy(template)
    stage = Stage.from_body("prod", changed)
    role = stage.template.role_arn(function)
    for body in changed["Resources"].values():
        if body["Type"] != "AWS::IAM::Policy":
            continue
        roles = {stage.template.get_att(r["Ref"], "Arn") for r in body["Properties"]["Roles"]}
        if role in roles:
            for statement in body["Properties"]["PolicyDocument"]["Statement"]:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                statement["Action"] = [a for a in actions if a != action] or ["s3:GetObject"]
    return changed


def test_the_export_may_tag_its_file_and_without_that_permission_the_harness_names_the_call(
    prod: dict[str, Any], tmp_path: Path
) -> None:
    recorded = [_recorded_export(tmp_path)]

    # Given the stage as synthesized, the export's tagged write is allowed
    report = check_calls(Stage.from_body("prod", prod), recorded)
    assert report.denied == [] and report.functions == {"runbook_export_activity"}
    assert ("runbook_export_activity", "s3:PutObjectTagging", _object(prod, EXPORT_KEY)) in report.evaluated

    # When the permission is taken out of the role
    weaker = _without_action(prod, "runbook_export_activity", "s3:PutObjectTagging")
    report = check_calls(Stage.from_body("prod", weaker), recorded)

    # Then the harness names the function, the action and the resource
    assert [str(d) for d in report.denied] == [
        f"runbook_export_activity may not s3:PutObjectTagging on {_object(prod, EXPORT_KEY)} "
        "(no statement allows it)"
    ]


def _object(template: dict[str, Any], key: str) -> str:
    bucket = Stage.from_body("prod", template).template.environment("api_handler")["DOCUMENTS_BUCKET"]
    return f"arn:aws:s3:::{bucket}/{key}"


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_service_principal_may_deliver_what_the_stack_sends_it(synth: Any, stage: str) -> None:
    report = check_service_principals(Stage.from_body(stage, synth.template(stage)))
    assert report.denied == []
    services = {who for who, _, _ in report.evaluated}
    assert {
        "s3.amazonaws.com",
        "cloudwatch.amazonaws.com",
        "ses.amazonaws.com",
        "apigateway.amazonaws.com",
    } <= services
    assert any(who.startswith("ssm automation") for who in services)


def test_without_its_topic_statement_cloudwatch_could_not_notify_anyone(prod: dict[str, Any]) -> None:
    # Given the alarm topic's policy without the statement that lets CloudWatch publish
    weaker = copy.deepcopy(prod)
    for body in weaker["Resources"].values():
        if body["Type"] == "AWS::SNS::TopicPolicy":
            document = body["Properties"]["PolicyDocument"]
            document["Statement"] = [
                s for s in document["Statement"] if s.get("Sid") != "CloudWatchPublishesAlarms"
            ]

    # When the service principals are checked
    report = check_service_principals(Stage.from_body("prod", weaker))

    # Then every alarm's publication is named as refused
    refused = {(d.who, d.action) for d in report.denied}
    assert refused == {("cloudwatch.amazonaws.com", "sns:Publish")}
    assert all(d.resource.endswith(":threshold-prod-alarms") for d in report.denied)
