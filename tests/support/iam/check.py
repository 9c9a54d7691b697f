"""Evaluate recorded calls, and the service principals' deliveries, against a synthesized stage."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.iam.deployed import ACCOUNT, Stage, _arn
from tests.support.iam.evaluate import Principal, Request, decide
from tests.support.iam.requests import Names, NotMapped, requests_for


@dataclass(frozen=True)
class Denial:
    who: str  # a function's name in app.py, or a service principal
    action: str
    resource: str
    reason: str

    def __str__(self) -> str:
        return f"{self.who} may not {self.action} on {self.resource} ({self.reason})"


@dataclass
class Report:
    stage: str
    functions: set[str] = field(default_factory=set)
    evaluated: set[tuple[str, str, str]] = field(default_factory=set)  # distinct (who, action, resource)
    denied: list[Denial] = field(default_factory=list)
    unattributed: int = 0

    def figures(self) -> str:
        return (
            f"{self.stage}: {len(self.functions)} functions, {len(self.evaluated)} distinct calls evaluated, "
            f"{len(self.denied)} denied ({self.unattributed} calls by test set-up, not a function)"
        )


def authorize(stage: Stage, request: Request, who: str, report: Report) -> None:
    template = stage.template
    identity = template.identity_statements(request.principal.arn) if request.principal.arn else []
    resource_policy, is_key = template.resource_statements(request.resource)
    decision = decide(request, identity, resource_policy, key_policy=is_key)
    report.evaluated.add((who, request.action, request.resource))
    if not decision.allowed:
        report.denied.append(Denial(who, request.action, request.resource, decision.reason))


def check_calls(stage: Stage, record_files: Iterable[Path]) -> Report:
    report = Report(stage.name)
    roles = {name: stage.template.role_arn(name) for name in stage.template.functions()}
    for path in record_files:
        data = json.loads(path.read_text())
        names = Names.of(stage, data["environment"])
        report.unattributed += data["unattributed"]
        for record in data["records"]:
            function, service, operation, params = record["call"]
            report.functions.add(function)
            if function not in roles:
                report.denied.append(Denial(function, f"{service}:{operation}", "-", "no such function"))
                continue
            try:
                requests = requests_for(names, roles[function], service, operation, params)
            except NotMapped as unknown:
                report.denied.append(Denial(function, str(unknown), "-", "the harness cannot map this call"))
                continue
            for request in requests:
                authorize(stage, request, function, report)
    return report


# -- service principals ----------------------------------------------------------------------------


def _service(name: str, source_arn: str, context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {
        "principal": Principal(service=name),
        "context": {
            "aws:SourceAccount": ACCOUNT,
            "aws:SourceArn": source_arn,
            "aws:SecureTransport": "true",
            **(context or {}),
        },
    }


def _deliver(stage: Stage, report: Report, service: str, source: str, action: str, target: str) -> None:
    who = _service(service, source)
    authorize(stage, Request(who["principal"], action, target, who["context"]), service, report)


def _topic_key(stage: Stage, topic_arn: str) -> str | None:
    for _, body in stage.template.of_type("AWS::SNS::Topic"):
        if stage.template.resolve({"Ref": _logical(stage, body)}) == topic_arn:
            key = body["Properties"].get("KmsMasterKeyId")
            return str(stage.template.resolve(key)) if key else None
    return None


def _logical(stage: Stage, body: Mapping[str, Any]) -> str:
    return next(k for k, v in stage.template.resources.items() if v is body)


def _publish(stage: Stage, report: Report, service: str, source: str, topic: str) -> None:
    _deliver(stage, report, service, source, "sns:Publish", topic)
    key = _topic_key(stage, topic)
    if key:  # an encrypted topic: the publisher needs the key too (the key policy must say so)
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            _deliver(stage, report, service, source, action, key)


def check_service_principals(stage: Stage) -> Report:
    """S3 → SQS (upload notifications), CloudWatch → SNS (alarms), SES → SNS (feedback), EventBridge and
    API Gateway → Lambda, SSM Automation → the runbook functions."""
    report = Report(f"{stage.name} service principals")
    for check in (_s3_to_sqs, _cloudwatch_to_sns, _ses_to_sns, _events_to_lambda, _ssm_to_lambda):
        check(stage, report)
    report.functions = set(stage.template.functions())
    return report


def _s3_to_sqs(stage: Stage, report: Report) -> None:
    t = stage.template
    for logical_id, body in t.of_type("AWS::S3::Bucket"):
        bucket = t.get_att(logical_id, "Arn")
        for queue in body["Properties"].get("NotificationConfiguration", {}).get("QueueConfigurations", []):
            target = str(t.resolve(queue["Queue"]))
            _deliver(stage, report, "s3.amazonaws.com", bucket, "sqs:SendMessage", target)


def _cloudwatch_to_sns(stage: Stage, report: Report) -> None:
    t = stage.template
    for logical_id, body in t.of_type("AWS::CloudWatch::Alarm"):
        alarm = _arn("cloudwatch", f"alarm:{t.resolve(body['Properties'].get('AlarmName', logical_id))}")
        for topic in body["Properties"].get("AlarmActions", []):
            _publish(stage, report, "cloudwatch.amazonaws.com", alarm, str(t.resolve(topic)))


def _ses_to_sns(stage: Stage, report: Report) -> None:
    t = stage.template
    for _, body in t.of_type("AWS::SES::ConfigurationSetEventDestination"):
        props = body["Properties"]
        source = _arn("ses", f"configuration-set/{t.resolve(props['ConfigurationSetName'])}")
        topic = props["EventDestination"].get("SnsDestination", {}).get("TopicARN")
        if topic:
            _publish(stage, report, "ses.amazonaws.com", source, str(t.resolve(topic)))


# SAM writes the AWS::Lambda::Permission (or the mapping on the function's role) of these event sources
# when it transforms the template; anything else would need a permission of its own.
SAM_WIRED = ("Schedule", "SNS", "SQS", "DynamoDB", "Api")


def _events_to_lambda(stage: Stage, report: Report) -> None:
    t = stage.template
    for name, logical_id in t.functions().items():
        fn_arn = t.get_att(logical_id, "Arn")
        for event in t.resources[logical_id]["Properties"].get("Events", {}).values():
            if event["Type"] not in SAM_WIRED:
                report.denied.append(Denial(name, event["Type"], fn_arn, "an event source SAM does not wire"))
            report.evaluated.add((name, f"{event['Type']} → lambda:InvokeFunction", fn_arn))
    for _, body in t.of_type("AWS::Lambda::Permission"):
        props = body["Properties"]
        report.evaluated.add(
            (props["Principal"], "lambda:InvokeFunction", str(t.resolve(props["FunctionName"])))
        )


def _ssm_to_lambda(stage: Stage, report: Report) -> None:
    t = stage.template
    for _, body in t.of_type("AWS::SSM::Document"):
        content = body["Properties"]["Content"]
        role = str(t.resolve(content["assumeRole"]))
        for step in content["mainSteps"]:
            function = str(t.resolve(step["inputs"]["InputPayload"]["function"]))
            target = _arn("lambda", f"function:{function}")
            request = Request(Principal(arn=role, account=ACCOUNT), "lambda:InvokeFunction", target, {})
            authorize(stage, request, f"ssm automation ({body['Properties']['Name']})", report)
