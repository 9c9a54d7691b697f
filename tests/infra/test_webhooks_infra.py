"""Outbound webhooks as deployed: the delivery sweep on its one-minute schedule, with only the permissions
its work needs, alarmed, its failures kept — and no stage ever allowed to deliver to loopback."""

from __future__ import annotations

import json
from typing import Any

from tests.infra.support import allowed_actions, functions, logical_id_of_function, refers_to, resources


def test_the_webhook_sweep_runs_every_minute_and_failures_are_kept(dev: dict[str, Any]) -> None:
    fn = functions(dev)["webhook_sweep"]
    (event,) = fn["Properties"]["Events"].values()
    assert event["Properties"]["Schedule"] == "rate(1 minute)"
    assert fn["Properties"]["Timeout"] == 120
    (dlq,) = [
        k
        for k, v in resources(dev, "AWS::SQS::Queue").items()
        if v["Properties"]["QueueName"] == "threshold-dev-async-dlq"
    ]
    assert refers_to(fn["Properties"]["DeadLetterQueue"]["TargetArn"], dlq)
    alarms = resources(dev, "AWS::CloudWatch::Alarm").values()
    assert any(
        refers_to(a["Properties"].get("Dimensions", []), logical_id_of_function(dev, "webhook_sweep"))
        for a in alarms
    )


def test_the_webhook_sweep_may_read_and_write_the_table_and_email_admins_only(dev: dict[str, Any]) -> None:
    sweep = allowed_actions(dev, "webhook_sweep")
    assert {
        "dynamodb:Query",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "ses:SendEmail",
    } <= sweep
    assert (
        not {"dynamodb:Scan", "dynamodb:GetRecords", "sns:Publish", "events:PutEvents", "s3:GetObject"}
        & sweep
    )
    assert not any(a.startswith("sqs:") and a != "sqs:SendMessage" for a in sweep)


def test_no_stage_allows_webhooks_to_loopback(dev: dict[str, Any], prod: dict[str, Any]) -> None:
    for template in (dev, prod):
        assert "WEBHOOKS_ALLOW_LOOPBACK" not in json.dumps(template)
        for fn in functions(template).values():
            variables = fn["Properties"].get("Environment", {}).get("Variables", {})
            assert variables.get("STAGE") in {"dev", "prod"}
