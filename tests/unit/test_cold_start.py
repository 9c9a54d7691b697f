"""Cold start stays lean: importing the API module must not load what only some requests need.
(The timing itself is measured by `make bench`; this guards the cause without a timed test.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the validation libraries (email-validator, libphonenumber) and defusedcsv load with the request model
# or the export that needs them, never with the API module; so do those of intake (matching, addresses),
# templates (YAML, JSON Patch) and integrations (webhook signatures, calendars)
DEFERRED = [
    "pydantic",
    "jwt",
    "cryptography",
    "aws_xray_sdk",
    "email_validator",
    "phonenumbers",
    "defusedcsv",
    # the libraries of intake, templates and integrations load with the route that needs them
    "rapidfuzz",
    "usaddress",
    "yaml",
    "jsonpatch",
    "standardwebhooks",
    "icalendar",
    # the features' own modules (docs/BENCHMARKS.md, 2026-12-07): their item classes load on first read
    # (store/models.py: LAZY_ITEM_MODULES), their response shapes and views with their routes' first
    # request (chalicelib/lazy.py), their services inside the route functions
    "chalicelib.store.intake_models",
    "chalicelib.store.inbound_lead_models",
    "chalicelib.store.webhook_models",
    "chalicelib.store.integration_models",
    "chalicelib.store.account_models",
    "chalicelib.store.template_models",
    "chalicelib.store.esign_models",
    "chalicelib.domain.api_clients",
    "chalicelib.domain.calendar_feeds",
    "chalicelib.domain.accounts",
    "chalicelib.domain.contacts",
    "chalicelib.domain.intake",
    "chalicelib.domain.inbound_leads",
    "chalicelib.domain.webhooks",
    "chalicelib.domain.org_templates",
    "chalicelib.domain.admin_views",
    "chalicelib.domain.account_responses",
    "chalicelib.domain.accounts_responses",
    "chalicelib.domain.intake_responses",
    "chalicelib.domain.intake_views",
    "chalicelib.domain.integration_responses",
    "chalicelib.domain.inbound_lead_responses",
    "chalicelib.domain.notification_views",
    "chalicelib.domain.webhook_responses",
    "chalicelib.domain.template_responses",
    "chalicelib.domain.esign_responses",
    "chalicelib.services.deals",
    "chalicelib.services.change_requests",
    "chalicelib.services.documents",
    "chalicelib.services.document_requests",
    "chalicelib.services.notifications",
    "chalicelib.services.tasks",
    "chalicelib.services.messages",
    "chalicelib.services.parties",
]


def test_importing_the_api_loads_no_deferred_module():
    code = f"import sys, json, app; print(json.dumps([m for m in {DEFERRED!r} if m in sys.modules]))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
