"""A synthesized template as deployed in one account and region: its intrinsic functions resolved to the
names and ARNs the resources would have, each function's role and identity policies, and the resource
policies of its buckets, queues, topics and key.

The resolver is a few lines because the template uses only Ref, Fn::GetAtt, Fn::Join and Fn::Sub on the
resource types below (cloud-radar renders templates too, but hands back `Logical.Attr` placeholders unless
each resource's physical id is supplied — which is this table); an unknown type or function raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from infra.functions import FUNCTION_TAG

ACCOUNT = "123456789012"
REGION = "us-east-1"
PARTITION = "aws"
PSEUDO = {
    "AWS::AccountId": ACCOUNT,
    "AWS::Region": REGION,
    "AWS::Partition": PARTITION,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "stack",
}


def _arn(service: str, rest: str, *, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{account}:{rest}"


class Template:
    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body
        self.resources: Mapping[str, Any] = body["Resources"]
        # a suite records thousands of calls on a few roles and resources: resolve each policy once
        self._identity: dict[str, list[dict[str, Any]]] = {}
        self._resource: dict[str, tuple[list[dict[str, Any]], bool]] = {}

    # -- physical identities -----------------------------------------------------------------------

    def _name(self, logical_id: str, prop: str) -> str:
        value = self.resources[logical_id]["Properties"].get(prop)
        return str(self.resolve(value)) if value is not None else logical_id.lower()

    def ref(self, logical_id: str) -> str:
        if logical_id in PSEUDO:
            return PSEUDO[logical_id]
        kind = self.resources[logical_id]["Type"]
        if kind == "AWS::DynamoDB::Table":
            return self._name(logical_id, "TableName")
        if kind == "AWS::S3::Bucket":
            return self._name(logical_id, "BucketName")
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{self._name(logical_id, 'QueueName')}"
        if kind == "AWS::SNS::Topic":
            return _arn("sns", self._name(logical_id, "TopicName"))
        if kind == "AWS::Events::EventBus":
            return self._name(logical_id, "Name")
        if kind == "AWS::Cognito::UserPool":
            return f"{REGION}_{logical_id[:20]}"
        if kind in ("AWS::Serverless::Function", "AWS::IAM::Role", "AWS::Logs::LogGroup", "AWS::KMS::Key"):
            return logical_id
        return logical_id  # a name nothing in a policy refers to (clients, secrets, documents)

    def get_att(self, logical_id: str, attribute: str) -> str:
        kind = self.resources[logical_id]["Type"]
        ref = self.ref(logical_id)
        arns = {
            "AWS::DynamoDB::Table": lambda: _arn("dynamodb", f"table/{ref}"),
            "AWS::S3::Bucket": lambda: f"arn:{PARTITION}:s3:::{ref}",
            "AWS::SQS::Queue": lambda: _arn("sqs", ref.rsplit("/", 1)[1]),
            "AWS::Events::EventBus": lambda: _arn("events", f"event-bus/{ref}"),
            "AWS::Cognito::UserPool": lambda: _arn("cognito-idp", f"userpool/{ref}"),
            "AWS::KMS::Key": lambda: _arn("kms", f"key/{ref}"),
            "AWS::Serverless::Function": lambda: _arn("lambda", f"function:{ref}"),
            "AWS::IAM::Role": lambda: f"arn:{PARTITION}:iam::{ACCOUNT}:role/{ref}",
            "AWS::Logs::LogGroup": lambda: _arn("logs", f"log-group:{ref}:*"),
        }
        if attribute == "Arn" and kind in arns:
            return arns[kind]()
        if attribute == "StreamArn":
            return f"{self.get_att(logical_id, 'Arn')}/stream/2026-01-01T00:00:00.000"
        if attribute == "QueueName":
            return self._name(logical_id, "QueueName")
        if attribute == "ProviderURL":
            return f"cognito-idp.{REGION}.amazonaws.com/{ref}"
        return f"{ref}.{attribute}"  # not an ARN any policy or name is built from

    # -- intrinsic functions -----------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1 or not next(iter(value)).startswith(("Fn::", "Ref")):
            return {k: self.resolve(v) for k, v in value.items()}
        (function, argument), *_ = value.items()
        if function == "Ref":
            return self.ref(argument)
        if function == "Fn::GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return self.get_att(logical_id, attribute)
        if function == "Fn::Join":
            separator, parts = argument
            return separator.join(str(self.resolve(p)) for p in parts)
        if function == "Fn::Sub":
            return self._sub(argument)
        raise ValueError(f"the permission harness cannot resolve {function}")

    def _sub(self, argument: Any) -> str:
        text, names = (argument, {}) if isinstance(argument, str) else argument
        values = {k: str(self.resolve(v)) for k, v in names.items()}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return values[name]
            if "." in name:
                return self.get_att(*name.split(".", 1))
            return self.ref(name)

        return re.sub(r"\$\{([^}!]+)\}", substitute, text)

    # -- functions and policies --------------------------------------------------------------------

    def functions(self) -> dict[str, str]:
        """Function name in app.py → logical id."""
        return {
            body["Properties"]["Tags"][FUNCTION_TAG]: logical_id
            for logical_id, body in self.resources.items()
            if body["Type"] == "AWS::Serverless::Function"
        }

    def environment(self, function: str) -> dict[str, str]:
        props = self.resources[self.functions()[function]]["Properties"]
        variables = props.get("Environment", {}).get("Variables", {})
        return {k: str(self.resolve(v)) for k, v in variables.items()}

    def role_arn(self, function: str) -> str:
        return str(self.resolve(self.resources[self.functions()[function]]["Properties"]["Role"]))

    def identity_statements(self, role_arn: str) -> list[dict[str, Any]]:
        """The statements of every policy attached to the role (inline policies of the role itself too)."""
        if role_arn not in self._identity:
            self._identity[role_arn] = self._identity_statements(role_arn)
        return self._identity[role_arn]

    def _identity_statements(self, role_arn: str) -> list[dict[str, Any]]:
        statements: list[dict[str, Any]] = []
        for logical_id, body in self.resources.items():
            props = body.get("Properties", {})
            if body["Type"] == "AWS::IAM::Policy":
                roles = {self.get_att(str(r["Ref"]), "Arn") for r in props["Roles"] if "Ref" in r}
                if role_arn in roles:
                    statements += _statements(self.resolve(props["PolicyDocument"]))
            elif body["Type"] == "AWS::IAM::Role" and self.get_att(logical_id, "Arn") == role_arn:
                if props.get("ManagedPolicyArns"):
                    raise ValueError(f"{logical_id}: managed policies are not evaluated by the harness")
                for policy in props.get("Policies", []):
                    statements += _statements(self.resolve(policy["PolicyDocument"]))
        return statements

    def resource_statements(self, arn: str) -> tuple[list[dict[str, Any]], bool]:
        """The policy of the bucket, queue, topic or key `arn` belongs to; whether it is a key policy."""
        if arn not in self._resource:
            self._resource[arn] = self._resource_statements(arn)
        return self._resource[arn]

    def _resource_statements(self, arn: str) -> tuple[list[dict[str, Any]], bool]:
        for logical_id, body in self.resources.items():
            props = body.get("Properties", {})
            kind = body["Type"]
            if kind == "AWS::KMS::Key" and arn == self.get_att(logical_id, "Arn"):
                return _statements(self.resolve(props["KeyPolicy"])), True
            targets: list[str] = []
            if kind == "AWS::S3::BucketPolicy":
                bucket = f"arn:{PARTITION}:s3:::{self.resolve(props['Bucket'])}"
                targets = [bucket] if arn == bucket or arn.startswith(bucket + "/") else []
            elif kind == "AWS::SQS::QueuePolicy":
                targets = [_arn("sqs", str(self.resolve(q)).rsplit("/", 1)[1]) for q in props["Queues"]]
            elif kind == "AWS::SNS::TopicPolicy":
                targets = [str(self.resolve(t)) for t in props["Topics"]]
            if arn in targets or (kind == "AWS::S3::BucketPolicy" and targets):
                return _statements(self.resolve(props["PolicyDocument"])), False
        return [], False

    def of_type(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for logical_id, body in self.resources.items():
            if body["Type"] == kind:
                yield logical_id, body


def _statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = document["Statement"]
    return list(found) if isinstance(found, list) else [found]


@dataclass(frozen=True)
class Stage:
    """One synthesized stage, and how the suite's resource names map onto it."""

    name: str
    template: Template

    @classmethod
    def from_body(cls, name: str, body: Mapping[str, Any]) -> Stage:
        return cls(name, Template(json.loads(json.dumps(body))))
