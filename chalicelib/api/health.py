"""Liveness and the API description: no authentication."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint
from chalice.app import Request

from chalicelib import clock
from chalicelib.api.http import route
from chalicelib.config import settings
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
else:  # the response shapes of the admin panel load with their first use (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")

health = Blueprint(__name__)


@route(health, "/v1/health", "GET", summary="Liveness", auth=False)
def get_health() -> acc.Health:
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
