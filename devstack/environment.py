"""The environment of local mode: what infra would set in AWS, pointed at the emulator."""

from __future__ import annotations

import os
from pathlib import Path

from devstack.localauth import AUDIENCE, ISSUER

ROOT = Path(__file__).resolve().parent.parent
# Overridable so the test suite can run a second stack beside a developer's own `make run`.
LOCAL_DIR = Path(os.environ.get("THRESHOLD_LOCAL_DIR", ROOT / ".local"))
EMULATOR_HOST = "127.0.0.1"
EMULATOR_PORT = int(os.environ.get("THRESHOLD_EMULATOR_PORT", "4566"))
API_HOST = "127.0.0.1"
API_PORT = int(os.environ.get("THRESHOLD_API_PORT", "8000"))
PORTAL_HOST = "127.0.0.1"
# `make run DEMO=0`: local mode on an empty table (no demo orgs, people, deals or e-signature envelope).
DEMO = os.environ.get("THRESHOLD_DEMO", "1") != "0"
PORTAL_PORT = int(os.environ.get("THRESHOLD_PORTAL_PORT", "3000"))
PORTAL_ORIGIN = f"http://localhost:{PORTAL_PORT}"
# The reference portal is served on 127.0.0.1; a browser may name it either way (its local sign-in answers
# only these).
PORTAL_OWN_ORIGINS = (PORTAL_ORIGIN, f"http://127.0.0.1:{PORTAL_PORT}")
# Any port of localhost and 127.0.0.1 (the reference portal, a dev server on :5173...), local mode only;
# THRESHOLD_PORTAL_ORIGINS replaces the list (comma-separated; `http://host:*` means any port of host).
PORTAL_ORIGINS = os.environ.get("THRESHOLD_PORTAL_ORIGINS", "http://localhost:*,http://127.0.0.1:*")


def local_environment(jwks_url: str, *, endpoint: str | None = None) -> dict[str, str]:
    env = {
        "STAGE": "local",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "TABLE_NAME": "threshold-local",
        "DOCUMENTS_BUCKET": "threshold-local-documents",
        "EVENT_BUS_NAME": "threshold-local",
        "SENDER_EMAIL": "portal@threshold.example",
        "UPLOAD_QUEUE_NAME": "threshold-local-uploads",
        "MALWARE_SCANNING": "off",
        # The emulator answers one DynamoDB request at a time (devstack/moto_patches.py) and far slower than
        # DynamoDB: under a burst, a request may wait its turn longer than the deployed 3 s read timeout.
        "DYNAMODB_TIMEOUT_SECONDS": "30",
        "JWKS_URL": jwks_url,
        "TOKEN_ISSUER": ISSUER,
        "TOKEN_AUDIENCE": AUDIENCE,
        "CURSOR_SECRET": "local-only-cursor-secret-not-for-production-use",
        "PORTAL_URL": PORTAL_ORIGIN,
        "PORTAL_ORIGINS": PORTAL_ORIGINS,
        "POWERTOOLS_SERVICE_NAME": "threshold",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        # event sources app.py registers at import; locally the triggers poll them (devstack/triggers.py)
        "TABLE_STREAM_ARN": "arn:aws:dynamodb:us-east-1:123456789012:table/threshold-local/stream/local",
        "SES_FEEDBACK_TOPIC_NAME": "threshold-local-ses-feedback",
        # outbound webhooks may POST to http://127.0.0.1 receivers — local mode and tests only: a deployed
        # stage ignores it (domain/webhook_urls.py), infra never sets it (tests/infra/test_webhooks_infra.py)
        "WEBHOOKS_ALLOW_LOOPBACK": "1",
        # e-signature (docs/ESIGN.md): each org's provider configuration is an SSM parameter under this path
        "ESIGN_PARAMETER_PREFIX": "/threshold-local/esign",
        # exports worker (issue 18): the queue of export slices (devstack/queue_trigger.py polls it)
        "EXPORT_QUEUE_NAME": "threshold-local-exports",
    }
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env
