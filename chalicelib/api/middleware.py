"""HTTP middleware: correlation id, one access log line, CORS for the portal origins, security headers,
and Chalice's own error answers (405, 415, 500) re-wrapped in the error envelope."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.api.errors import envelope, rewrap_chalice_error
from chalicelib.config import settings
from chalicelib.observability import logger, metrics

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}
ALLOWED_HEADERS = "Authorization, Content-Type, If-Match, Idempotency-Key"
EXPOSED_HEADERS = "ETag, Location, Idempotent-Replayed, Retry-After"


def allowed_origin(request: Request) -> str | None:
    return allowed(request.headers.get("origin"))


def allowed(origin: str | None) -> str | None:
    if origin and settings().origin_allowed(origin):
        return origin
    return None


def http(request: Request, get_response: Callable[[Request], Response]) -> Response:
    started = time.perf_counter()
    logger.set_correlation_id(str(request.context.get("requestId") or uuid.uuid4()))
    response = get_response(request)
    wrapped = rewrap_chalice_error(response.body)
    if wrapped is not None:
        response.body = wrapped
        response.headers["Content-Type"] = "application/json"
    _decorate(response.headers, allowed_origin(request))
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    logger.info(
        "request",
        extra={
            "method": request.method,
            "route": request.path,
            "status": response.status_code,
            "ms": elapsed_ms,
        },
    )
    if response.status_code >= 500:
        metrics.add_metric(name="Api5xx", unit="Count", value=1)
    logger.remove_keys(["user_id"])
    return response


def _decorate(headers: dict[str, str | list[str]], origin: str | None) -> None:
    """CORS for an allowed portal origin, and the hardening headers, on every answer."""
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    headers["Vary"] = "Origin"
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)


def no_route(method: str, origin: str | None) -> tuple[int, dict[str, str | list[str]], str]:
    """The answer to a path no route matches (status, headers, body), for what serves the app in front
    of Chalice's router: local mode's gateway (devstack/local_api.py). The envelope never echoes the
    path or any header. A preflight from a portal origin is allowed, so the browser goes on to read the
    404 itself instead of reporting a CORS failure."""
    origin = allowed(origin)
    headers: dict[str, str | list[str]] = {}
    if method.upper() == "OPTIONS" and origin:
        headers.update(
            {
                "Access-Control-Allow-Methods": "DELETE, GET, OPTIONS, PATCH, POST, PUT",
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": "600",
            }
        )
        _decorate(headers, origin)
        return 204, headers, ""
    headers["Content-Type"] = "application/json"
    _decorate(headers, origin)
    body = envelope("route_not_found", "no route of this API matches this path")
    return 404, headers, json.dumps(body)


def register_preflight_routes(app: Chalice) -> None:
    """API Gateway needs an OPTIONS method per resource; Chalice's built-in CORS allows one origin,
    so preflights are answered here against the configured portal origins."""
    for path, entries in list(app.routes.items()):
        if "OPTIONS" in entries:
            continue
        methods = ", ".join(sorted({*entries, "OPTIONS"}))
        app.route(path, methods=["OPTIONS"])(_preflight_view(app, path, methods))


def _preflight_view(app: Chalice, path: str, methods: str) -> Callable[..., Response]:
    def preflight(**_: str) -> Response:
        request = app.current_request
        assert request is not None
        if allowed_origin(request) is None:
            return Response(
                body=envelope("origin_not_allowed", "this origin may not call the API"), status_code=403
            )
        return Response(
            body="",
            status_code=204,
            headers={
                "Access-Control-Allow-Methods": methods,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": "600",
            },
        )

    preflight.__name__ = "preflight_" + "".join(c if c.isalnum() else "_" for c in path)
    return preflight
