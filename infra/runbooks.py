"""SSM Automation documents: one per `runbook_*` function, with typed parameters, so ops start a runbook
from the Systems Manager console (Automation → Execute automation) instead of hand-writing a Lambda event.

A runbook's parameters come from its input model's JSON schema (`Runbook.input_model`, docs/RUNBOOKS.md),
read while chalice packages the app, so the console form and the function's own validation cannot drift.
The function still validates; the form only helps. `requested_by` is whatever the model requires (the
console does not tell a function who started it; CloudTrail records the automation's principal).

The document's one step is a short script (`aws:executeScript`) rather than a bare `aws:invokeLambdaFunction`:
it leaves out the optional fields the operator left empty (the models forbid unknown fields and treat ""
as a value), gives each value its declared type (the models are strict), invokes the function, and fails
the step when the function fails — so the console shows a failed run as failed.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from infra.stages import StageConfig

if TYPE_CHECKING:
    from infra.functions import Function

PREFIX = "runbook_"
RUNBOOKS_PACKAGE = "chalicelib.runbooks"
# The newest Python aws:executeScript supports (AWS Systems Manager guide, "aws:executeScript – Run a
# script": python3.11; the functions themselves run python3.13, which the action does not offer).
SCRIPT_RUNTIME = "python3.11"
SSM_TYPES = {"string": "String", "integer": "Integer", "boolean": "Boolean", "array": "StringList"}
DRY_RUN = {
    "type": "Boolean",
    "default": True,
    "description": "Print what would change and change nothing (the default). Set false to apply.",
}
SCRIPT = """\
import json

import boto3


def _typed(value, kind):
    if kind == "Integer":
        return int(value)
    if kind == "Boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    return value


def run(event, context):
    fields = {
        name: _typed(value, event["types"][name])
        for name, value in event["parameters"].items()
        if value not in ("", [], None)  # an optional field left empty is left out
    }
    reply = boto3.client("lambda").invoke(FunctionName=event["function"], Payload=json.dumps(fields).encode())
    answer = json.loads(reply["Payload"].read() or b"null")
    if reply.get("FunctionError"):
        raise RuntimeError(json.dumps(answer))
    return {"answer": json.dumps(answer, default=str)}
"""


# An optional Integer or Boolean with no default cannot be left empty in SSM: SSM validates a parameter's
# default against its type when the document is created, and "" is not an Integer (the stack would roll
# back). Such a field is a String that is empty or well-formed; the step gives it its type (SCRIPT).
EMPTY_OR = {"Integer": r"^$|^-?[0-9]+$", "Boolean": r"^$|^(true|false)$"}


def ssm_parameters(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """SSM Automation parameters from a JSON schema object (a pydantic model's)."""
    return _parameters(schema)[0]


def value_types(schema: Mapping[str, Any]) -> dict[str, str]:
    """The type each parameter's value has in the function's event (SSM's type, except for an optional
    Integer or Boolean that SSM carries as a String: see EMPTY_OR)."""
    return _parameters(schema)[1]


def _parameters(schema: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    required = set(schema.get("required", ()))
    params: dict[str, dict[str, Any]] = {}
    types: dict[str, str] = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _non_null(prop)
        kind = SSM_TYPES.get(str(prop.get("type")), "String")
        types[name] = kind
        param: dict[str, Any] = {
            "type": kind,
            "description": prop.get("description") or prop.get("title") or name,
        }
        if "enum" in prop:
            param["allowedValues"] = [str(v) for v in prop["enum"]]
        optional = name not in required
        has_default = "default" in prop and prop["default"] is not None
        if optional and not has_default and kind in EMPTY_OR:
            param["type"] = "String"
            param["allowedPattern"] = EMPTY_OR[kind]
        if "pattern" in prop and kind == "String":
            # SSM checks the default too: an optional field may stay empty
            param["allowedPattern"] = f"^$|{prop['pattern']}" if optional else prop["pattern"]
        if has_default:
            param["default"] = prop["default"]
        elif optional:
            param["default"] = [] if kind == "StringList" else ""
        params[name] = param
    if "dry_run" in params:
        params["dry_run"] = {**params["dry_run"], "type": "Boolean", "default": True}
    else:
        params["dry_run"] = dict(DRY_RUN)
    types["dry_run"] = "Boolean"
    return params, types


def _non_null(prop: Mapping[str, Any]) -> Mapping[str, Any]:
    """`X | None` in pydantic is anyOf [X, null]: the console shows X."""
    options = [p for p in prop.get("anyOf", ()) if p.get("type") != "null"]
    if options:
        return {**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
    if "enum" not in prop and "const" in prop:
        return {**prop, "enum": [prop["const"]]}
    return prop


def discover_schemas() -> dict[str, dict[str, Any]]:
    """Function name → input schema of every runbook of the app chalice just imported.

    Runbook modules are imported lazily by their handlers (the API's cold start never pays for them), so
    they are imported here, in the packaging environment; a runbook is any object with a `name` starting
    with `runbook_` and an `input_model` (docs/RUNBOOKS.md)."""
    package = sys.modules.get(RUNBOOKS_PACKAGE) or _try_import(RUNBOOKS_PACKAGE)
    if package is None:
        return {}
    schemas: dict[str, dict[str, Any]] = {}
    for info in pkgutil.iter_modules(package.__path__, f"{RUNBOOKS_PACKAGE}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            name = getattr(value, "name", None)
            schema = getattr(getattr(value, "input_model", None), "model_json_schema", None)
            if isinstance(name, str) and name.startswith(PREFIX) and callable(schema):
                schemas[name] = dict(schema())
    return schemas


def _try_import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


def document_content(
    fn: Function,
    params: Mapping[str, Mapping[str, Any]],
    role_arn: str,
    types: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    runbook = fn.name.removeprefix(PREFIX)
    types = types or {name: p["type"] for name, p in params.items()}
    return {
        "schemaVersion": "0.3",
        "description": f"# Threshold runbook: {runbook}\n\nRuns the `{fn.name}` function "
        "(docs/RUNBOOKS.md). It validates its input, is idempotent, and changes nothing unless "
        "`dry_run` is false.",
        "assumeRole": role_arn,
        "parameters": dict(params),
        "mainSteps": [
            {
                "name": "Run",
                "action": "aws:executeScript",
                "isEnd": True,
                "inputs": {
                    "Runtime": SCRIPT_RUNTIME,
                    "Handler": "run",
                    "Script": SCRIPT,
                    "InputPayload": {
                        "function": fn.resource.ref,
                        "types": dict(types),
                        "parameters": {name: "{{ " + name + " }}" for name in params},
                    },
                },
                "outputs": [{"Name": "Answer", "Selector": "$.Payload.answer", "Type": "String"}],
            }
        ],
        "outputs": ["Run.Answer"],
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
        self.role = iam.Role(
            self,
            "AutomationRole",
            assumed_by=iam.ServicePrincipal(
                "ssm.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
            ),
            description=f"Threshold {config.name}: SSM Automation runs the runbook functions",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="InvokeRunbooks",
                actions=["lambda:InvokeFunction"],
                resources=[fn.resource.get_att("Arn").to_string() for fn in runbooks],
            )
        )
        for fn in runbooks:
            schema = schemas.get(fn.name, {})
            params, types = _parameters(schema)
            self.documents[fn.name] = ssm.CfnDocument(
                self,
                fn.logical_id,
                name=f"{config.prefix}-{fn.name.removeprefix(PREFIX).replace('_', '-')}",
                document_type="Automation",
                document_format="JSON",
                update_method="NewVersion",
                content=document_content(fn, params, self.role.role_arn, types),
            )
