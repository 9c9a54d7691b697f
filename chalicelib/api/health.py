"""Liveness and the API description: no authentication."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import Request

from chalicelib import clock
from chalicelib.api.http import route
from chalicelib.config import settings
from chalicelib.domain.account_responses import Health

health = Blueprint(__name__)


@route(health, "/v1/health", "GET", summary="Liveness", auth=False)
def get_health() -> Health:
    return {"status": "ok", "stage": settings().stage, "time": clock.iso(clock.now())}


@route(health, "/v1/openapi.json", "GET", summary="This API's OpenAPI document", auth=False)
def get_openapi(request: Request) -> dict[str, Any]:
    from chalicelib.api import openapi  # built on first request, not at cold start

    return openapi.document(served_from(request))


def served_from(request: Request) -> str | None:
    """The API's base URL as the caller reached it (API Gateway puts the stage before the path)."""
    host = request.headers.get("host")
    if not host:
        return None
    full_path = str(request.context.get("path") or request.path)
    prefix = full_path[: len(full_path) - len(request.path)] if full_path.endswith(request.path) else ""
    scheme = request.headers.get("x-forwarded-proto", "http")  # API Gateway always sets it (https)
    return f"{scheme}://{host}{prefix}"
