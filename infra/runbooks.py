"""SSM Automation documents: one per `runbook_*` function, with typed parameters, so ops start a runbook
from the Systems Manager console (Automation → Execute automation) instead of hand-writing a Lambda event.

A runbook's parameters come from its input model's JSON schema (pydantic `model_json_schema()`), so the
console form and the function's own validation cannot drift. The function still validates; the form only
helps. Every document runs the function synchronously with the parameters as its event, plus
`automation_execution_id`, from which the runbook reads who started it (`ssm:GetAutomationExecution` →
`ExecutedBy`) to record that principal as the actor.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from infra.functions import Function
from infra.stages import StageConfig

PREFIX = "runbook_"
SSM_TYPES = {"string": "String", "integer": "Integer", "boolean": "Boolean", "array": "StringList"}
QUOTED = frozenset({"String"})
DRY_RUN = {
    "type": "Boolean",
    "default": True,
    "description": "Print what would change and change nothing (the default). Set false to apply.",
}


def ssm_parameters(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """SSM Automation parameters from a JSON schema object (a pydantic model's)."""
    required = set(schema.get("required", ()))
    params: dict[str, dict[str, Any]] = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _non_null(prop)
        kind = SSM_TYPES.get(str(prop.get("type")), "String")
        param: dict[str, Any] = {
            "type": kind,
            "description": prop.get("description") or prop.get("title") or name,
        }
        if "enum" in prop:
            param["allowedValues"] = [str(v) for v in prop["enum"]]
        if "pattern" in prop and kind == "String":
            param["allowedPattern"] = prop["pattern"]
        if "default" in prop and prop["default"] is not None:
            param["default"] = prop["default"]
        elif name not in required:
            param["default"] = [] if kind == "StringList" else ""
        params[name] = param
    if "dry_run" in params:
        params["dry_run"] = {**params["dry_run"], "type": "Boolean", "default": True}
    else:
        params["dry_run"] = dict(DRY_RUN)
    return params


def _non_null(prop: Mapping[str, Any]) -> Mapping[str, Any]:
    """`X | None` in pydantic is anyOf [X, null]: the console shows X."""
    options = [p for p in prop.get("anyOf", ()) if p.get("type") != "null"]
    if options:
        return {**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
    return prop


def payload(params: Mapping[str, Mapping[str, Any]]) -> str:
    """The Lambda event as an SSM template: strings quoted, typed values as they are."""
    fields = []
    for name, param in params.items():
        value = "{{ " + name + " }}"
        fields.append(f'"{name}": ' + (json.dumps(value) if param["type"] in QUOTED else value))
    fields.append('"automation_execution_id": "{{ automation:EXECUTION_ID }}"')
    return "{" + ", ".join(fields) + "}"


def input_schema(runbook: str) -> dict[str, Any]:
    """The input model's JSON schema, from the runbook registry of the app chalice just packaged.

    The registry is `chalicelib.runbooks.RUNBOOKS` (name → runbook with an `input_model`, or the model
    itself); a runbook without one gets only `dry_run`."""
    registry = getattr(sys.modules.get("chalicelib.runbooks"), "RUNBOOKS", {}) or {}
    entry = registry.get(runbook) if isinstance(registry, Mapping) else None
    model = getattr(entry, "input_model", entry)
    schema = getattr(model, "model_json_schema", None)
    return dict(schema()) if callable(schema) else {}


def document_content(fn: Function, params: Mapping[str, Mapping[str, Any]], role_arn: str) -> dict[str, Any]:
    runbook = fn.name.removeprefix(PREFIX)
    return {
        "schemaVersion": "0.3",
        "description": f"# Threshold runbook: {runbook}\n\nRuns the `{fn.name}` function. "
        "It validates its input, is idempotent, and changes nothing unless `dry_run` is false.",
        "assumeRole": role_arn,
        "parameters": dict(params),
        "mainSteps": [
            {
                "name": "Run",
                "action": "aws:invokeLambdaFunction",
                "isEnd": True,
                "inputs": {
                    "FunctionName": fn.resource.ref,
                    "InvocationType": "RequestResponse",
                    "Payload": payload(params),
                },
                "outputs": [{"Name": "Result", "Selector": "$.Payload", "Type": "String"}],
            }
        ],
        "outputs": ["Run.Result"],
    }


class Runbooks(Construct):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        config: StageConfig,
        functions: Sequence[Function],
        schemas: Mapping[str, Mapping[str, Any]],
    ) -> None:
        super().__init__(scope, cid)
        self.documents: dict[str, ssm.CfnDocument] = {}
        runbooks = [fn for fn in functions if fn.name.startswith(PREFIX)]
        if not runbooks:
            return
        role = iam.Role(
            self,
            "AutomationRole",
            assumed_by=iam.ServicePrincipal(
                "ssm.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
            ),
            description=f"Threshold {config.name}: SSM Automation runs the runbook functions",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="InvokeRunbooks",
                actions=["lambda:InvokeFunction"],
                resources=[fn.resource.get_att("Arn").to_string() for fn in runbooks],
            )
        )
        for fn in runbooks:
            params = ssm_parameters(schemas.get(fn.name, {}))
            doc_name = f"{config.prefix}-{fn.name.removeprefix(PREFIX).replace('_', '-')}"
            self.documents[fn.name] = ssm.CfnDocument(
                self,
                fn.logical_id,
                name=doc_name,
                document_type="Automation",
                document_format="JSON",
                update_method="NewVersion",
                content=document_content(fn, params, role.role_arn),
            )
            fn.role.add_to_policy(
                iam.PolicyStatement(
                    sid="WhoStartedMe",
                    actions=["ssm:GetAutomationExecution"],
                    resources=[
                        f"arn:{Aws.PARTITION}:ssm:{Aws.REGION}:{Aws.ACCOUNT_ID}:automation-execution/*"
                    ],
                )
            )
