"""What AWS checks at deploy time and moto does not: runtimes, dependencies between resources, SSM's
validation of defaults, Cognito's mail through SES, the SES sandbox, and a new account's stage settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.stages import StageConfigError, from_context
from tests.infra.conftest import ROOT, Synth, _child_environment
from tests.infra.support import functions, one, refers_to, resources

STAGES = ["dev", "prod"]


@pytest.mark.parametrize("stage", STAGES)
def test_every_function_runs_python_3_13(synth: Synth, stage: str) -> None:
    runtimes = {name: fn["Properties"]["Runtime"] for name, fn in functions(synth.template(stage)).items()}
    assert runtimes and set(runtimes.values()) == {"python3.13"}, runtimes


@pytest.mark.parametrize("stage", STAGES)
def test_no_runbook_document_declares_a_default_its_type_refuses(synth: Synth, stage: str) -> None:
    for logical_id, doc in resources(synth.template(stage), "AWS::SSM::Document").items():
        for name, param in doc["Properties"]["Content"]["parameters"].items():
            if "default" not in param:
                continue
            default = param["default"]
            valid = {
                "Integer": isinstance(default, int) and not isinstance(default, bool),
                "Boolean": isinstance(default, bool),
                "StringList": isinstance(default, list),
                "String": isinstance(default, str),
            }[param["type"]]
            assert valid, f"{logical_id}.{name}: {param['type']} with default {default!r}"


def test_the_malware_plan_waits_for_its_roles_policy(prod: dict[str, Any]) -> None:
    _, plan = one(prod, "AWS::GuardDuty::MalwareProtectionPlan")
    (policy_id,) = [
        k
        for k, v in resources(prod, "AWS::IAM::Policy").items()
        if "ScanAndTag" in json.dumps(v["Properties"])
    ]
    assert policy_id in plan.get("DependsOn", [])


@pytest.mark.parametrize("stage", STAGES)
def test_event_sources_reference_their_topic_and_queue(synth: Synth, stage: str) -> None:
    template = synth.template(stage)
    fns = functions(template)
    ((topic_id, _),) = [
        (k, v) for k, v in resources(template, "AWS::SNS::Topic").items() if "ses-feedback" in json.dumps(v)
    ]
    (subscription,) = fns["ses_feedback"]["Properties"]["Events"].values()
    assert subscription["Properties"]["Topic"] == {"Ref": topic_id}
    (mapping,) = fns["ingest_uploads"]["Properties"]["Events"].values()
    assert refers_to(
        mapping["Properties"]["Queue"], _logical(template, "AWS::SQS::Queue", f"threshold-{stage}-uploads")
    )


def _logical(template: dict[str, Any], kind: str, name: str) -> str:
    for logical_id, body in resources(template, kind).items():
        if body["Properties"].get("QueueName") == name:
            return logical_id
    raise KeyError(name)


@pytest.mark.parametrize("stage", STAGES)
def test_cognito_mails_through_the_stages_ses_identity(synth: Synth, stage: str) -> None:
    template = synth.template(stage)
    _, pool = one(template, "AWS::Cognito::UserPool")
    email = pool["Properties"]["EmailConfiguration"]
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["ConfigurationSet"] == f"threshold-{stage}"
    assert "identity/" in json.dumps(email["SourceArn"])
    assert "{####}" in pool["Properties"]["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailMessage"]


def test_dev_in_the_ses_sandbox_may_mail_its_verified_recipients(dev: dict[str, Any]) -> None:
    identities = {
        v["Properties"]["EmailIdentity"] for v in resources(dev, "AWS::SES::EmailIdentity").values()
    }
    assert "qa@dev.threshold.example" in identities
    send = [
        s
        for v in resources(dev, "AWS::IAM::Policy").values()
        for s in v["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "SendEmail"
    ]
    assert send and all("identity/qa@dev.threshold.example" in json.dumps(s["Resource"]) for s in send)


VALID: dict[str, Any] = {
    "portal_url": "https://portal.example",
    "portal_origins": ["https://portal.example"],
    "sender_email": "portal@example.com",
    "log_retention_days": 30,
    "retain_data": True,
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"ses_mode": "sandboxed"}, "ses_mode must be one of"),
        ({"ses_mode": "production", "ses_sandbox_recipients": ["qa@example.com"]}, "sandbox only"),
        ({"ses_sandbox_recipients": ["not-an-address"]}, "must be email addresses"),
        ({"cognito_email": "smtp"}, "cognito_email must be one of"),
        ({"cognito_domain": "My_Portal"}, "cognito_domain must be a prefix"),
        ({"cognito_domain": "threshold-cognito"}, "cognito_domain must be a prefix"),
        ({"sms_origination": "555-0100"}, "sms_origination must be an E.164 number"),
        ({"portal_origins": ["https://*.portal.example"]}, "without path or wildcard"),
        ({"portal_origins": ["https://portal.example/app"]}, "without path or wildcard"),
    ],
)
def test_a_new_accounts_settings_are_checked_before_anything_is_synthesized(
    change: dict[str, Any], problem: str
) -> None:
    with pytest.raises(StageConfigError, match=problem):
        from_context("prod", {**VALID, **change})


def test_the_safe_defaults_are_the_sandbox_cognito_through_ses_no_domain_no_origination() -> None:
    config = from_context("prod", VALID)
    assert (config.ses_mode, config.cognito_email, config.cognito_domain, config.sms_origination) == (
        "sandbox",
        "ses",
        "",
        "",
    )
    assert from_context("prod", {**VALID, "sms_origination": "+18885550100", "cognito_domain": "acme-portal"})


def test_make_synth_refuses_a_bad_stage_with_a_clear_message(tmp_path: Path) -> None:
    context = json.loads((ROOT / "cdk.json").read_text())
    context["context"]["threshold:stages"]["dev"]["ses_mode"] = "maybe"
    (tmp_path / "cdk.json").write_text(json.dumps(context))
    done = subprocess.run(
        [sys.executable, "-c", _SYNTH_WITH_CONTEXT, str(tmp_path / "cdk.json"), str(tmp_path / "out")],
        cwd=ROOT,
        env=_child_environment(),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert "cdk.json describes no deployable stage: stage 'dev': ses_mode must be one of" in done.stderr


# infra.synth reads cdk.json at the repository's root; this runs it on another file.
_SYNTH_WITH_CONTEXT = """
import sys
from pathlib import Path
import infra.synth as synth
synth.ROOT = Path(sys.argv[1]).parent
sys.exit(synth.main(["--outdir", sys.argv[2], "--no-lint"]))
"""
