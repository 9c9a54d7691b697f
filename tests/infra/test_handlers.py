"""The event handlers of app.py as deployed: each wired to its source, with its failure path and only the
permissions its work needs."""

from __future__ import annotations

import json
from typing import Any

from tests.infra.support import (
    allowed_actions,
    as_list,
    functions,
    logical_id_of_function,
    one,
    refers_to,
    resources,
)

HANDLERS = {"api_handler", "ingest_uploads", "outbox", "reminder_sweep", "ses_feedback", "export_worker"}


def _event(template: dict[str, Any], name: str) -> dict[str, Any]:
    (event,) = functions(template)[name]["Properties"]["Events"].values()
    return event


def _queue_id(template: dict[str, Any], name: str) -> str:
    (queue_id,) = [
        k for k, v in resources(template, "AWS::SQS::Queue").items() if v["Properties"]["QueueName"] == name
    ]
    return queue_id


def test_every_handler_of_the_interface_is_deployed(dev: dict[str, Any]) -> None:
    assert set(functions(dev)) >= HANDLERS


def test_uploads_are_ingested_from_the_upload_queue_with_partial_batch_failures(dev: dict[str, Any]) -> None:
    event = _event(dev, "ingest_uploads")
    assert event["Type"] == "SQS"
    # the queue itself, not an ARN built from its name (so the mapping waits for the queue)
    assert refers_to(event["Properties"]["Queue"], _queue_id(dev, "threshold-dev-uploads"))
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # the queue hides a message 6× longer than the function may run, as Lambda advises
    timeout = functions(dev)["ingest_uploads"]["Properties"]["Timeout"]
    queue = resources(dev, "AWS::SQS::Queue")[_queue_id(dev, "threshold-dev-uploads")]
    assert queue["Properties"]["VisibilityTimeout"] >= 6 * timeout


def test_the_outbox_reads_the_table_stream_from_its_start_and_parks_what_keeps_failing(
    dev: dict[str, Any],
) -> None:
    table_id, _ = one(dev, "AWS::DynamoDB::Table")
    props = _event(dev, "outbox")["Properties"]
    assert props["Stream"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert props["StartingPosition"] == "TRIM_HORIZON"
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert refers_to(
        props["DestinationConfig"]["OnFailure"]["Destination"], _queue_id(dev, "threshold-dev-outbox-dlq")
    )


def test_ses_feedback_is_subscribed_to_the_feedback_topic_and_failures_are_kept(dev: dict[str, Any]) -> None:
    fn = functions(dev)["ses_feedback"]
    event = _event(dev, "ses_feedback")
    assert event["Type"] == "SNS"
    (topic_id,) = [k for k, v in resources(dev, "AWS::SNS::Topic").items() if "ses-feedback" in json.dumps(v)]
    assert event["Properties"]["Topic"] == {"Ref": topic_id}  # the topic itself: subscribed after it exists
    assert refers_to(
        fn["Properties"]["DeadLetterQueue"]["TargetArn"], _queue_id(dev, "threshold-dev-async-dlq")
    )


def test_the_reminder_sweep_runs_every_15_minutes_and_failures_are_kept(dev: dict[str, Any]) -> None:
    fn = functions(dev)["reminder_sweep"]
    assert _event(dev, "reminder_sweep")["Properties"]["Schedule"] == "rate(15 minutes)"
    assert refers_to(
        fn["Properties"]["DeadLetterQueue"]["TargetArn"], _queue_id(dev, "threshold-dev-async-dlq")
    )


def test_each_handler_may_do_its_work_and_not_its_neighbours(dev: dict[str, Any]) -> None:
    ingest = allowed_actions(dev, "ingest_uploads")
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "s3:GetObject", "s3:PutObjectTagging"} <= ingest
    assert "s3:DeleteObjectVersion" in ingest  # the quarantine move deletes the exact version it copied
    assert not {"dynamodb:GetRecords", "ses:SendEmail", "sns:Publish", "events:PutEvents"} & ingest

    outbox = allowed_actions(dev, "outbox")
    assert {"dynamodb:GetRecords", "dynamodb:GetShardIterator", "events:PutEvents", "ses:SendEmail"} <= outbox
    assert {"sns:Publish", "sqs:SendMessage"} <= outbox  # SMS; the stream's failure destination
    assert "sqs:ReceiveMessage" not in outbox
    # org-owned templates (docs/TEMPLATES.md): the outbox reads a large template definition, no document
    assert _s3_reads(dev, "outbox") == ["templates/*"]

    feedback = allowed_actions(dev, "ses_feedback")
    assert "dynamodb:UpdateItem" in feedback
    assert not {"ses:SendEmail", "sns:Publish", "s3:GetObject", "events:PutEvents"} & feedback


def test_every_handler_is_alarmed(dev: dict[str, Any]) -> None:
    alarms = resources(dev, "AWS::CloudWatch::Alarm").values()
    for name in HANDLERS:
        fn_id = logical_id_of_function(dev, name)
        assert any(refers_to(a["Properties"].get("Dimensions", []), fn_id) for a in alarms), name


def _s3_reads(template: dict[str, Any], name: str) -> list[str]:
    """The object prefixes a function may read (org-owned templates: only `templates/` outside the API)."""
    (role_id, _) = functions(template)[name]["Properties"]["Role"]["Fn::GetAtt"]
    found = []
    for body in resources(template, "AWS::IAM::Policy").values():
        if not any(refers_to(r, role_id) for r in body["Properties"]["Roles"]):
            continue
        for statement in body["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Allow" and "s3:GetObject" in as_list(statement["Action"]):
                found += [
                    "templates/*" if "/templates/*" in json.dumps(r) else json.dumps(r)
                    for r in as_list(statement["Resource"])
                ]
    return found


# -- exports worker (issue 18) -------------------------------------------------------------------------


def _statements_of(template: dict[str, Any], name: str) -> list[dict[str, Any]]:
    (role_id, _) = functions(template)[name]["Properties"]["Role"]["Fn::GetAtt"]
    return [
        s
        for body in resources(template, "AWS::IAM::Policy").values()
        if any(refers_to(r, role_id) for r in body["Properties"]["Roles"])
        for s in body["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_the_export_worker_takes_one_message_at_a_time_from_its_own_queue_with_a_dlq(
    dev: dict[str, Any],
) -> None:
    event = _event(dev, "export_worker")
    queue_id = _queue_id(dev, "threshold-dev-exports")
    assert event["Type"] == "SQS" and refers_to(event["Properties"]["Queue"], queue_id)
    assert event["Properties"]["BatchSize"] == 1  # a slice uses most of the function's time
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    timeout = functions(dev)["export_worker"]["Properties"]["Timeout"]
    assert timeout == 300
    queue = resources(dev, "AWS::SQS::Queue")[queue_id]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * timeout and queue["SqsManagedSseEnabled"] is True
    redrive = queue["RedrivePolicy"]
    assert refers_to(redrive["deadLetterTargetArn"], _queue_id(dev, "threshold-dev-exports-dlq"))
    assert redrive["maxReceiveCount"] == 5


def test_only_the_worker_consumes_the_export_queue_the_api_and_runbook_only_send_to_it(
    dev: dict[str, Any],
) -> None:
    queue_id = _queue_id(dev, "threshold-dev-exports")
    worker = allowed_actions(dev, "export_worker")
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage", "s3:PutObject"} <= worker
    assert {"s3:AbortMultipartUpload", "dynamodb:UpdateItem"} <= worker  # a failed export's parts go
    assert not {"ses:SendEmail", "sns:Publish", "dynamodb:GetRecords", "events:PutEvents"} & worker
    for sender in ("api_handler", "runbook_export_activity"):
        sends = [s for s in _statements_of(dev, sender) if "sqs:SendMessage" in s["Action"]]
        assert any(refers_to(s["Resource"], queue_id) for s in sends), sender
        assert "sqs:ReceiveMessage" not in allowed_actions(dev, sender), sender
    for other in ("outbox", "reminder_sweep", "ses_feedback", "ingest_uploads", "runbook_deactivate_user"):
        reaches = [s for s in _statements_of(dev, other) if refers_to(s["Resource"], queue_id)]
        assert not reaches, other
