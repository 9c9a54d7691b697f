"""Security properties of every synthesized stage: encryption at rest, TLS in transit, no `*` actions,
no Scan, no secret in the template, cdk-nag and cfn-lint clean."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.environment import STAND_INS
from tests.infra.conftest import Synth
from tests.infra.support import as_list, resources, statements

STAGES = ["dev", "prod"]


@pytest.mark.parametrize("stage", STAGES)
def test_every_queue_topic_and_bucket_is_encrypted_at_rest(synth: Synth, stage: str) -> None:
    template = synth.template(stage)
    for logical_id, queue in resources(template, "AWS::SQS::Queue").items():
        props = queue["Properties"]
        assert props.get("SqsManagedSseEnabled") or props.get("KmsMasterKeyId"), logical_id
    topics = resources(template, "AWS::SNS::Topic")
    assert len(topics) == 2  # SES feedback, alarms
    for logical_id, topic in topics.items():
        assert topic["Properties"].get("KmsMasterKeyId"), logical_id
    for logical_id, bucket in resources(template, "AWS::S3::Bucket").items():
        assert bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"], logical_id


@pytest.mark.parametrize("stage", STAGES)
def test_every_queue_and_topic_refuses_plain_http(synth: Synth, stage: str) -> None:
    template = synth.template(stage)
    for kind, targets_key, policy_kind in (
        ("AWS::SQS::Queue", "Queues", "AWS::SQS::QueuePolicy"),
        ("AWS::SNS::Topic", "Topics", "AWS::SNS::TopicPolicy"),
    ):
        policies = resources(template, policy_kind).values()
        for logical_id in resources(template, kind):
            guarded = [
                s
                for p in policies
                if logical_id in json.dumps(p["Properties"][targets_key])
                for s in p["Properties"]["PolicyDocument"]["Statement"]
                if s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s.get("Condition", {}))
            ]
            assert guarded, f"{logical_id} accepts plain HTTP"


def _delegates_key_to_iam(statement: dict[str, Any]) -> bool:
    """AWS's default key policy: the account (root) may use the key, so IAM policies decide who does —
    and the test checks those IAM policies, none of which allows kms:*."""
    return ":root" in json.dumps(statement.get("Principal", {})) and as_list(statement["Action"]) == ["kms:*"]


@pytest.mark.parametrize("stage", STAGES)
def test_no_policy_allows_every_action_of_a_service(synth: Synth, stage: str) -> None:
    for logical_id, statement in statements(synth.template(stage)):
        if statement["Effect"] != "Allow" or _delegates_key_to_iam(statement):
            continue
        for action in as_list(statement.get("Action", [])):
            assert action != "*" and not action.endswith(":*"), f"{logical_id} allows {action}"


@pytest.mark.parametrize("stage", STAGES)
def test_no_function_may_scan_the_table(synth: Synth, stage: str) -> None:
    actions = {a for _, s in statements(synth.template(stage)) for a in as_list(s.get("Action", []))}
    assert "dynamodb:Scan" not in actions
    assert "dynamodb:PutItem" in actions  # the check above looked at the real grants


@pytest.mark.parametrize("stage", STAGES)
def test_a_wildcard_resource_is_never_a_data_resource(synth: Synth, stage: str) -> None:
    """`*` resources are left only where AWS has no resource ARN (X-Ray, SMS to a phone number) and in
    key policies, where `*` means the key itself."""
    for logical_id, statement in statements(synth.template(stage)):
        if statement["Effect"] != "Allow" or "*" not in as_list(statement.get("Resource", [])):
            continue
        actions = set(as_list(statement["Action"]))
        in_key_policy = synth.template(stage)["Resources"][logical_id]["Type"] == "AWS::KMS::Key"
        without_arns = {
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "sns:Publish",
            "sns:CheckIfPhoneNumberIsOptedOut",
        }
        assert in_key_policy or actions <= without_arns, (logical_id, actions)
        if "sns:Publish" in actions:
            # the same policy denies publishing to any topic: SMS only
            denied = [
                s
                for lid, s in statements(synth.template(stage))
                if lid == logical_id and s["Effect"] == "Deny" and "sns:Publish" in as_list(s["Action"])
            ]
            assert denied, f"{logical_id} may publish to any topic"


@pytest.mark.parametrize("stage", STAGES)
def test_no_secret_or_packaging_stand_in_reaches_the_template(synth: Synth, stage: str) -> None:
    text = (synth.outdir / f"threshold-{stage}.template.json").read_text()
    for value in (STAND_INS["CURSOR_SECRET"], STAND_INS["TOKEN_ISSUER"]):
        assert value not in text
    (secret,) = resources(synth.template(stage), "AWS::SecretsManager::Secret").values()
    assert "GenerateSecretString" in secret["Properties"]
    assert "SecretString" not in secret["Properties"]


def test_cdk_nag_reports_no_unsuppressed_error(synth: Synth) -> None:
    assert "cdk-nag AwsSolutions: 0 unsuppressed error(s)" in synth.output, synth.output
    manifest = json.loads((synth.outdir / "manifest.json").read_text())
    errors = [
        entry
        for artifact in manifest["artifacts"].values()
        for entries in artifact.get("metadata", {}).values()
        for entry in entries
        if entry["type"] == "aws:cdk:error"
    ]
    assert errors == []


def test_every_nag_suppression_gives_its_reason(synth: Synth) -> None:
    for stage in STAGES:
        for logical_id, body in synth.template(stage)["Resources"].items():
            for rule in body.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
                assert len(rule["reason"]) >= 40, (logical_id, rule)


def test_cfn_lint_is_clean(synth: Synth) -> None:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    done = subprocess.run(
        [str(cfn_lint), *map(str, synth.templates())], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_both_stages_synthesize_offline_in_reasonable_time(synth: Synth, record_property: Any) -> None:
    record_property("synth_seconds", round(synth.seconds, 1))
    assert [p.name for p in synth.templates()] == [
        "threshold-dev.template.json",
        "threshold-prod.template.json",
    ]
