"""The rules infra applies to whatever app.py declares: every function needs declared permissions, and an
operation is protected unless its route says it is public."""

from __future__ import annotations

from typing import Any

import pytest

from infra.functions import with_cognito_authorizer
from infra.permissions import RUNBOOK_PROFILE, UndeclaredFunction, profile_for
from infra.stages import from_context

CONFIG = from_context(
    "dev",
    {
        "portal_url": "https://portal.example",
        "portal_origins": ["https://portal.example"],
        "sender_email": "portal@example.com",
        "log_retention_days": 30,
        "retain_data": False,
    },
)


def test_a_function_without_declared_permissions_stops_the_synthesis() -> None:
    with pytest.raises(UndeclaredFunction, match=r"infra/permissions\.py"):
        profile_for("mystery_handler")
    assert profile_for("runbook_reassign_tasks") is RUNBOOK_PROFILE


def _operation() -> dict[str, Any]:
    return {"x-amazon-apigateway-integration": {"type": "aws_proxy"}}


def test_only_declared_public_routes_and_preflights_skip_the_authorizer() -> None:
    definition: dict[str, Any] = {
        "info": {"title": "threshold"},
        "paths": {
            "/v1/health": {"get": _operation(), "options": _operation()},
            "/v1/deals": {"get": _operation()},
            "/v1/me": {"get": _operation()},
            "/v1/undeclared": {"post": _operation()},
        },
    }
    routes = {("GET", "/v1/health"): False, ("GET", "/v1/deals"): True, ("GET", "/v1/me"): True}

    out = with_cognito_authorizer(definition, "arn:pool", routes, CONFIG)

    paths = out["paths"]
    assert "security" not in paths["/v1/health"]["get"]
    assert "security" not in paths["/v1/health"]["options"]
    assert paths["/v1/me"]["get"]["security"] == [{"cognito": []}]
    # a route API clients may call is authenticated by the app alone: the authorizer takes ID tokens only
    assert "security" not in paths["/v1/deals"]["get"]
    assert paths["/v1/undeclared"]["post"]["security"] == [{"cognito": []}]  # unknown: protected
    assert out["securityDefinitions"]["cognito"]["x-amazon-apigateway-authorizer"]["providerARNs"] == [
        "arn:pool"
    ]
    assert "security" not in definition["paths"]["/v1/me"]["get"]  # the input is left as it was
