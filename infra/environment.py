"""How deployed-stage values reach the functions, and the environment `chalice package` imports app.py in.

Two environments, one source:
- the **function environment** is set on every function of the template (Lambda environment variables,
  written after `chalice package`, not through its config: chalice copies its config's variables into
  os.environ before importing app.py, which would defeat the stand-ins below). Values the stack
  creates are CDK tokens (the table name, the stream ARN, the Cognito issuer, ...); CloudFormation fills
  them in at deploy time. The cursor secret is a dynamic reference to a generated Secrets Manager secret
  (`{{resolve:secretsmanager:...}}`), so no secret is ever written into the template.
- the **packaging environment** is what `chalice package` (in this process) imports app.py with: app.py
  calls `settings()` at import and the event handlers' decorators read their sources from the environment.
  It is the function environment, except that the few values `chalicelib/config.py` validates by shape
  (the Cognito issuer, its JWKS URL and pool id, the cursor secret's length, the region) are replaced by
  well-formed stand-ins: a token is not a URL until deploy time. Event-source identifiers stay as they
  are, so the decorators write the real queue name, topic name and stream ARN (a token CDK resolves when
  the SAM template is included) into the template.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from aws_cdk import Aws, Token

from infra.exports import export_queue_name
from infra.stages import StageConfig

PACKAGING_REGION = "us-east-1"
PACKAGING_POOL = f"https://cognito-idp.{PACKAGING_REGION}.amazonaws.com/{PACKAGING_REGION}_Packaging"
STAND_INS = {
    "TOKEN_ISSUER": PACKAGING_POOL,
    "JWKS_URL": f"{PACKAGING_POOL}/.well-known/jwks.json",
    "AWS_REGION": PACKAGING_REGION,
    "AWS_DEFAULT_REGION": PACKAGING_REGION,
    "CURSOR_SECRET": "packaging-only-stand-in-never-deployed-0123456789",
    "USER_POOL_ID": f"{PACKAGING_REGION}_Packaging",
}
# Import-time event sources (docs/DEPLOY.md, "How configuration reaches the functions").
EVENT_SOURCES: tuple[str, ...] = ("UPLOAD_QUEUE_NAME", "TABLE_STREAM_ARN", "SES_FEEDBACK_TOPIC_NAME")
EVENT_SOURCES += ("EXPORT_QUEUE_NAME",)  # exports worker (issue 18)


@dataclass(frozen=True)
class StageValues:
    """What the stack created, as the functions need to know it."""

    table_name: str
    table_stream_arn: str
    documents_bucket: str
    event_bus_name: str
    token_issuer: str
    jwks_url: str
    token_audience: str
    user_pool_id: str
    cursor_secret: str  # a dynamic reference, never the secret itself
    ses_configuration_set: str
    oauth_token_url: str = ""  # issue 16: where API clients get access tokens (the Cognito domain's)


def function_environment(config: StageConfig, values: StageValues) -> dict[str, str]:
    return {
        "STAGE": config.name,
        "TABLE_NAME": values.table_name,
        "TABLE_STREAM_ARN": values.table_stream_arn,
        "DOCUMENTS_BUCKET": values.documents_bucket,
        "UPLOAD_QUEUE_NAME": config.upload_queue_name,
        "EVENT_BUS_NAME": values.event_bus_name,
        "SENDER_EMAIL": config.sender_email,
        "SES_CONFIGURATION_SET": values.ses_configuration_set,
        "SES_FEEDBACK_TOPIC_NAME": config.ses_feedback_topic_name,
        "JWKS_URL": values.jwks_url,
        "TOKEN_ISSUER": values.token_issuer,
        "TOKEN_AUDIENCE": values.token_audience,
        "USER_POOL_ID": values.user_pool_id,
        "CURSOR_SECRET": values.cursor_secret,
        "PORTAL_URL": config.portal_url,
        "PORTAL_ORIGINS": ",".join(config.portal_origins),
        "MALWARE_SCANNING": config.malware_scanning,
        "POWERTOOLS_SERVICE_NAME": "threshold",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "OAUTH_TOKEN_URL": values.oauth_token_url,  # issue 16: API clients
        # e-signature (docs/ESIGN.md): each org's provider configuration, an SSM SecureString parameter
        "ESIGN_PARAMETER_PREFIX": f"/{Aws.STACK_NAME}/esign",
        # exports worker (issue 18): the queue of export slices (infra/exports.py)
        "EXPORT_QUEUE_NAME": export_queue_name(config),
    }


def packaging_environment(function_env: Mapping[str, str], region: str) -> dict[str, str]:
    env = dict(function_env)
    env.update(STAND_INS)
    if not Token.is_unresolved(region):
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = region
    # Packaging never talks to AWS: keep tracing and metrics off while app.py is imported.
    env.update({"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true"})
    return env


@contextlib.contextmanager
def applied(env: Mapping[str, str]) -> Iterator[None]:
    """Set `env` in os.environ for the duration (chalice imports app.py in this process), then restore."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
