"""The Chalice app as CDK resources: `chalice package` through the `chalice.cdk.Chalice` construct, then
per-function roles, environment, logs, timeouts and failure destinations, and the API's Cognito authorizer.

What chalice writes is kept (handlers, events, the REST API and its routes); what a deployed stage needs
beyond it is set here as property overrides on the included SAM resources.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from chalice.cdk import Chalice
from constructs import Construct

from infra import environment, runbooks
from infra.exports import export_queue_name
from infra.permissions import Resources, profile_for
from infra.stages import StageConfig

ROOT = Path(__file__).resolve().parent.parent
# chalice needs a role ARN when it does not manage roles; every function's Role is replaced below.
UNSET_ROLE = "arn:aws:iam::000000000000:role/threshold-role-set-by-infra"
SAM_FUNCTION = "AWS::Serverless::Function"
FUNCTION_TAG = "threshold:function"  # the function's name in app.py, on the function (and in the console)
ASYNC_EVENTS = frozenset({"SNS", "Schedule", "S3", "CloudWatchEvent", "EventBridgeRule"})
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "time": "$context.requestTimeEpoch",
        "method": "$context.httpMethod",
        "path": "$context.resourcePath",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "authorizerError": "$context.authorizer.error",
        "integrationError": "$context.integration.error",
    }
)


LOG_RETENTION = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
}


def log_retention(config: StageConfig) -> logs.RetentionDays:
    return LOG_RETENTION[config.log_retention_days]


class _StageScope(Construct):
    """chalice.cdk names the Chalice stage after its scope (`scope.to_string()`): this scope says `dev`."""

    def __init__(self, scope: Construct, cid: str, stage: str) -> None:
        super().__init__(scope, cid)
        self._stage = stage

    def to_string(self) -> str:
        return self._stage


@dataclass(frozen=True)
class Function:
    name: str  # the handler's name in app.py (`api_handler` for the REST API)
    logical_id: str
    resource: Any  # the included CfnResource
    role: iam.Role
    events: dict[str, str]  # SAM event name → event type


def _fresh_app_modules() -> None:
    """chalice imports app.py in this process; a second stage must not reuse the first one's decorators."""
    for name in list(sys.modules):
        if name == "app" or name == "chalicelib" or name.startswith("chalicelib."):
            del sys.modules[name]


@contextlib.contextmanager
def _in_directory(path: Path) -> Iterator[None]:
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.chdir(path):  # chalice.cdk writes its package to ./chalice.out
        yield


class ChaliceApp(Construct):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        config: StageConfig,
        env: Mapping[str, str],
        resources: Resources,
        user_pool: cognito.IUserPool,
        async_dlq: sqs.IQueue,
        stream_dlq: sqs.IQueue,
        build_dir: Path,
    ) -> None:
        super().__init__(scope, cid)
        self.config = config
        packaging_env = environment.packaging_environment(env, Stack.of(self).region)
        _fresh_app_modules()
        with environment.applied(packaging_env), _in_directory(build_dir):
            self.chalice = Chalice(
                _StageScope(self, "Stage", config.name),
                "Chalice",
                source_dir=str(ROOT),
                stage_config={"manage_iam_role": False, "iam_role_arn": UNSET_ROLE, "autogen_policy": False},
            )
            self.routes = _routes_of_packaged_app()
            self.names = _function_names_of_packaged_app()
            self.runbook_schemas = runbooks.discover_schemas()
        sam = json.loads((Path(self.chalice._sam_package_dir) / "sam.json").read_text())
        self.functions: list[Function] = []
        self.policies: list[iam.Policy] = []
        for logical_id, body in sam["Resources"].items():
            if body["Type"] == SAM_FUNCTION:
                self.functions.append(
                    self._configure(logical_id, body, env, resources, async_dlq, stream_dlq)
                )
        self.rest_api = self.chalice.get_resource("RestAPI") if "RestAPI" in sam["Resources"] else None
        if self.rest_api is not None:
            self._configure_api(sam["Resources"]["RestAPI"], user_pool)

    # -- functions -------------------------------------------------------------------------------------

    def _configure(
        self,
        logical_id: str,
        body: dict[str, Any],
        env: Mapping[str, str],
        resources: Resources,
        async_dlq: sqs.IQueue,
        stream_dlq: sqs.IQueue,
    ) -> Function:
        name = self.names[logical_id]
        profile = profile_for(name)
        resource = self.chalice.get_resource(logical_id)
        log_group = logs.LogGroup(
            self,
            f"{logical_id}Logs",
            retention=log_retention(self.config),
            removal_policy=RemovalPolicy.RETAIN if self.config.retain_data else RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"{logical_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Threshold {self.config.name}: the {name} function, least privilege",
        )
        statements = [
            iam.PolicyStatement(
                sid="OwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            ),
            iam.PolicyStatement(
                sid="Tracing",  # X-Ray has no resource-level permissions
                actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                resources=["*"],
            ),
        ]
        for grant in profile.grants:
            statements += grant(resources)
        events = {event: spec["Type"] for event, spec in body["Properties"].get("Events", {}).items()}
        if ASYNC_EVENTS & set(events.values()):
            resource.add_property_override(
                "DeadLetterQueue", {"Type": "SQS", "TargetArn": async_dlq.queue_arn}
            )
            statements.append(_send_to("AsyncFailures", async_dlq))
        if "DynamoDB" in events.values():
            statements.append(_send_to("StreamFailures", stream_dlq))
        policy = iam.Policy(self, f"{logical_id}Policy", roles=[role], statements=statements)
        self.policies.append(policy)
        resource.node.add_dependency(policy)  # no invocation before its permissions exist
        resource.add_property_override("Role", role.role_arn)
        resource.add_property_override(
            "LoggingConfig", {"LogGroup": log_group.log_group_name, "LogFormat": "Text"}
        )
        for key, value in env.items():
            resource.add_property_override(f"Environment.Variables.{key}", value)
        resource.add_property_override(f"Tags.{FUNCTION_TAG}", name)
        if profile.timeout_seconds is not None:
            resource.add_property_override("Timeout", profile.timeout_seconds)
        sources = {
            self.config.upload_queue_name: resources.upload_queue.queue_arn,
            self.config.ses_feedback_topic_name: resources.feedback_topic_arn,
        }
        if resources.export_queue is not None:  # exports worker (issue 18)
            sources[export_queue_name(self.config)] = resources.export_queue.queue_arn
        for event, kind in events.items():
            self._configure_event(resource, event, kind, stream_dlq)
            self._reference_source(resource, event, body["Properties"]["Events"][event], sources)
        return Function(name, logical_id, resource, role, events)

    @staticmethod
    def _reference_source(
        resource: Any, event: str, spec: dict[str, Any], sources: Mapping[str, str]
    ) -> None:
        """chalice writes an SQS or SNS source as an ARN built from its name (`Fn::Sub ...:name`), which
        CloudFormation does not see as a dependency: the subscription or mapping could be created before
        the topic or queue. Reference the stack's resource instead."""
        for prop in ("Queue", "Topic"):
            built = spec["Properties"].get(prop)
            text = json.dumps(built) if built is not None else ""
            for name, arn in sources.items():
                if text.endswith(f':{name}"}}'):
                    resource.add_property_override(f"Events.{event}.Properties.{prop}", arn)

    def _configure_event(self, resource: Any, event: str, kind: str, stream_dlq: sqs.IQueue) -> None:
        path = f"Events.{event}.Properties"
        if kind == "SQS":
            # A failed message is retried alone; the rest of its batch is done (partial batch failures).
            resource.add_property_override(f"{path}.FunctionResponseTypes", ["ReportBatchItemFailures"])
        elif kind == "DynamoDB":
            resource.add_property_override(f"{path}.FunctionResponseTypes", ["ReportBatchItemFailures"])
            resource.add_property_override(f"{path}.StartingPosition", "TRIM_HORIZON")
            resource.add_property_override(f"{path}.BisectBatchOnFunctionError", True)
            resource.add_property_override(f"{path}.MaximumRetryAttempts", 10)
            resource.add_property_override(
                f"{path}.DestinationConfig",
                {"OnFailure": {"Type": "SQS", "Destination": stream_dlq.queue_arn}},
            )

    # -- the REST API ----------------------------------------------------------------------------------

    def _configure_api(self, api: dict[str, Any], user_pool: cognito.IUserPool) -> None:
        assert self.rest_api is not None
        access_logs = logs.LogGroup(
            self,
            "ApiAccessLogs",
            retention=log_retention(self.config),
            removal_policy=RemovalPolicy.RETAIN if self.config.retain_data else RemovalPolicy.DESTROY,
        )
        definition = with_cognito_authorizer(
            api["Properties"]["DefinitionBody"], user_pool.user_pool_arn, self.routes, self.config
        )
        definition["info"]["title"] = self.config.prefix
        self.rest_api.add_property_override("Name", self.config.prefix)
        self.rest_api.add_property_override("DefinitionBody", definition)
        self.rest_api.add_property_override("TracingEnabled", True)
        self.rest_api.add_property_override(
            "AccessLogSetting", {"DestinationArn": access_logs.log_group_arn, "Format": ACCESS_LOG_FORMAT}
        )
        self.rest_api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "LoggingLevel": "ERROR",
                    "MetricsEnabled": True,
                    "DataTraceEnabled": False,  # request bodies carry personal data
                    "ThrottlingBurstLimit": 200,
                    "ThrottlingRateLimit": 100,
                },
                # issue 16: the public calendar feed (docs/CALENDAR.md) — calendar apps poll it every
                # 15 minutes or more; a tight stage-wide limit keeps guessing and hammering cheap
                {
                    "ResourcePath": "/~1v1~1calendar~1{token}",
                    "HttpMethod": "GET",
                    "LoggingLevel": "ERROR",
                    "MetricsEnabled": True,
                    "DataTraceEnabled": False,
                    "ThrottlingBurstLimit": 20,
                    "ThrottlingRateLimit": 10,
                },
                ESIGN_WEBHOOK_THROTTLE,
            ],
        )


# e-signature (docs/ESIGN.md): the provider's public webhook gets limits of its own, well under the API's,
# so nobody can spend the API's budget (or an org's SSM reads) through it. A method setting's ResourcePath
# escapes each "/" as "~1".
ESIGN_WEBHOOK_THROTTLE = {
    "ResourcePath": "/~1v1~1integrations~1docusign~1connect~1{org_id}",
    "HttpMethod": "POST",
    "ThrottlingBurstLimit": 20,
    "ThrottlingRateLimit": 10,
}


def _send_to(sid: str, queue: sqs.IQueue) -> iam.PolicyStatement:
    return iam.PolicyStatement(sid=sid, actions=["sqs:SendMessage"], resources=[queue.queue_arn])


def _function_names_of_packaged_app() -> dict[str, str]:
    """SAM logical id → the function's name in app.py (`name=` of its decorator; `api_handler` for the
    REST API), from the app chalice just imported — the Handler property names the Python function."""
    from chalice.utils import to_cfn_resource_name

    chalice_app = sys.modules["app"].app
    names = {"APIHandler": "api_handler"}
    for declared in [*chalice_app.event_sources, *chalice_app.pure_lambda_functions]:
        names[to_cfn_resource_name(declared.name)] = declared.name
    return names


def _routes_of_packaged_app() -> dict[tuple[str, str], bool]:
    """(METHOD, path) → needs authentication, from the route table of the app chalice just imported."""
    http = sys.modules.get("chalicelib.api.http")
    specs = getattr(http, "ROUTES", [])
    return {(spec.method.upper(), spec.path): spec.auth for spec in specs}


COGNITO = "cognito"


def with_cognito_authorizer(
    definition: dict[str, Any],
    user_pool_arn: str,
    routes: Mapping[tuple[str, str], bool],
    config: StageConfig,
) -> dict[str, Any]:
    """The API's swagger with API Gateway's Cognito authorizer on every operation that needs a caller.

    Public routes (`auth=False` in their `@route`) and CORS preflights stay open; an operation the route
    table does not know is protected (the safe default). The app verifies the token again, as in local
    mode: the gateway refuses the unauthenticated before a function runs, the app decides who may do what.
    """
    definition = json.loads(json.dumps(definition))
    definition.setdefault("securityDefinitions", {})[COGNITO] = {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [user_pool_arn]},
    }
    from chalicelib.api.machine_scopes import scope_for  # issue 16: API clients

    for path, operations in definition.get("paths", {}).items():
        for method, operation in operations.items():
            if method == "options" or not isinstance(operation, dict):
                continue
            # A route API clients may call takes their access tokens too, which a Cognito authorizer
            # without OAuth scopes refuses (it accepts ID tokens only) and one with scopes would refuse
            # people's ID tokens: the app alone authenticates it (docs/API_CLIENTS.md, "In AWS").
            if routes.get((method.upper(), path), True) and scope_for(method.upper(), path) is None:
                operation["security"] = [{COGNITO: []}]
    definition["x-amazon-apigateway-gateway-responses"] = gateway_responses(config)
    return definition


def gateway_responses(config: StageConfig) -> dict[str, Any]:
    """API Gateway's own refusals in the app's error envelope, readable by the portal (CORS)."""

    def response(status: int, code: str, message: str) -> dict[str, Any]:
        return {
            "statusCode": status,
            "responseParameters": {
                "gatewayresponse.header.Access-Control-Allow-Origin": f"'{config.portal_origins[0]}'",
                "gatewayresponse.header.Vary": "'Origin'",
            },
            "responseTemplates": {
                "application/json": json.dumps({"error": {"code": code, "message": message}})
            },
        }

    unauthorized = response(401, "unauthenticated", "a valid bearer token is required")
    unauthorized["responseParameters"]["gatewayresponse.header.WWW-Authenticate"] = (
        "'Bearer error=\"invalid_token\"'"
    )
    # API Gateway answers a path (or a method) no route declares itself, before any function runs: a 403
    # "Missing Authentication Token", or, when an Authorization header came along, a signature error
    # whose message echoes that header (the bearer token). Both become the app's own 404 (docs/API.md).
    no_route = response(404, "route_not_found", "no route of this API matches this path")
    return {
        "MISSING_AUTHENTICATION_TOKEN": no_route,
        "INVALID_SIGNATURE": no_route,
        "UNAUTHORIZED": unauthorized,
        "ACCESS_DENIED": response(403, "forbidden", "this token may not call the API"),
        "THROTTLED": response(429, "throttled", "too many requests; retry shortly"),
        "DEFAULT_5XX": response(502, "unavailable", "the service is unavailable; retry shortly"),
    }
