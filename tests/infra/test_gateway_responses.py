"""API Gateway's own answers to a path no route serves: the app's 404 envelope, readable by the portal,
never echoing the request's Authorization header."""

from __future__ import annotations

import json

from infra.functions import gateway_responses
from infra.stages import from_context

STAGE = {
    "portal_url": "https://portal.example",
    "portal_origins": ["https://portal.example"],
    "sender_email": "portal@example.com",
    "log_retention_days": 30,
    "retain_data": True,
}


def test_unknown_routes_answer_the_404_envelope_with_cors() -> None:
    responses = gateway_responses(from_context("prod", STAGE))
    for kind in ("MISSING_AUTHENTICATION_TOKEN", "INVALID_SIGNATURE"):
        answer = responses[kind]
        assert answer["statusCode"] == 404
        body = json.loads(answer["responseTemplates"]["application/json"])
        assert body == {
            "error": {"code": "route_not_found", "message": "no route of this API matches this path"}
        }
        headers = answer["responseParameters"]
        assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://portal.example'"
        assert not any("method.request.header" in str(v) for v in headers.values())  # nothing echoed
