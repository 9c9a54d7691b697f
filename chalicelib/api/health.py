"""Liveness and the API description: no authentication."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import clock
from chalicelib.api.http import route
from chalicelib.config import settings

health = Blueprint(__name__)


@route(health, "/v1/health", "GET", summary="Liveness", auth=False)
def get_health() -> dict[str, Any]:
    return {"status": "ok", "stage": settings().stage, "time": clock.iso(clock.now())}


@route(health, "/v1/openapi.json", "GET", summary="This API's OpenAPI document", auth=False)
def get_openapi() -> dict[str, Any]:
    from chalicelib.api import openapi  # built on first request, not at cold start

    return openapi.document()
