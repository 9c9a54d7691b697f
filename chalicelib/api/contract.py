"""What the OpenAPI document says of each route beyond its schemas: query parameters, request and response
headers, the error codes each status carries, links between operations, examples.

Error codes are derived from what a route does (authenticates, reads a body, pages, takes If-Match, is a
POST that takes Idempotency-Key) plus the codes its own rules raise (`ROUTE_ERRORS`). The API tests check
every answer against the document (tests/support/contract.py), so a code raised but not declared here fails
the test that provokes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api import contract_integrations as integrations  # issue 16
from chalicelib.api import contract_routes as routes

if TYPE_CHECKING:
    from chalicelib.api.http import RouteSpec

API_DESCRIPTION = (
    "Threshold: the system of record for what happens next on a real-estate deal, shared between clients, "
    "agents, coordinators, vendors and partners. JSON over HTTPS; bearer ID tokens; errors as "
    '`{"error": {"code", "message", "details"?}}`; lists as `{"items", "next_cursor"}` with an opaque '
    "cursor and `limit` 1–100; timestamps ISO-8601 UTC; fields a caller may not see are absent, never null. "
    "Replaces take `If-Match` with the record's `version` (412 when stale, 428 when missing); any POST "
    "takes `Idempotency-Key` (the same key replays the first answer with `Idempotent-Replayed: true`)."
)

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The error envelope every refusal carries. Never a stack trace.",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable; listed per route"},
                "message": {"type": "string", "description": "For people; may change"},
                "details": {"description": "Per code: e.g. the invalid fields, or what a stage is missing"},
            },
        }
    },
}

PATH_PARAMETERS = {
    "deal_id": "A deal's id (`dl_…`)",
    "task_id": "A task's id (`tk_…`)",
    "request_id": "A document request's id (`rq_…`)",
    "document_id": "A document version's id (`dc_…`)",
    "user_id": "A user's id (`u_…`)",
    "invitation_id": "An invitation's id",
    "notification_id": "A notification's id",
    "org_id": "An org's id (`o_…`)",
    "token": "The secret token from an email's link",
    "name": "`time-in-stage`, `overdue-tasks`, `missing-documents` or `activation`",
    # intake, contacts and properties (docs/INTAKE.md)
    "org_slug": "An org's public intake slug (`GET /v1/me`: `org_slug`)",
    "lead_id": "A lead's id (`ld_…`)",
    "contact_id": "A contact's id (`ct_…`)",
    "property_id": "A property record's id (`p_…`)",
}

PATH_PARAMETERS.update(integrations.PATH_PARAMETERS)  # issue 16

DESCRIPTIONS = routes.DESCRIPTIONS
REQUEST_EXAMPLES = routes.REQUEST_EXAMPLES
OPTIONAL_BODIES = routes.OPTIONAL_BODIES
IF_NONE_MATCH = routes.IF_NONE_MATCH
ALSO_ANSWERS = routes.ALSO_ANSWERS

AUTH_ERRORS = {
    401: [
        "missing_token",
        "invalid_token",
        "token_expired",
        "invalid_audience",
        "invalid_issuer",
        "email_not_verified",
        "unsupported_email",
    ],
    403: ["account_deactivated"],
}
BODY_ERRORS = {
    400: ["malformed_json", "missing_body", "duplicate_json_keys"],
    415: ["unsupported_media_type"],
    422: ["invalid_fields"],
}
PAGE_ERRORS = {400: ["invalid_cursor", "invalid_limit"]}
IF_MATCH_ERRORS = {400: ["invalid_if_match", "if_match_of_another_record"], 412: ["stale_version"]}
IDEMPOTENCY_ERRORS = {
    400: ["invalid_idempotency_key"],
    409: ["idempotency_in_progress", "idempotency_answer_lost"],
    422: ["idempotency_key_reused"],
}
STORE_ERRORS = {503: ["retry_later", "database_unreachable"]}
WRITE_ERRORS = {409: ["write_conflict"]}


def _merge(into: dict[int, list[str]], more: dict[int, list[str]]) -> None:
    for status, codes in more.items():
        known = into.setdefault(status, [])
        known.extend(c for c in codes if c not in known)


def error_codes(spec: RouteSpec) -> dict[int, list[str]]:
    """Every status the route may answer besides its success, with the `error.code` values of each."""
    found: dict[int, list[str]] = {413: ["payload_too_large"]}
    key = (spec.method, spec.path)
    if spec.auth:
        _merge(found, AUTH_ERRORS)
    if spec.body is not None or key in OPTIONAL_BODIES:
        _merge(found, BODY_ERRORS)
    if key in routes.PAGED:
        _merge(found, PAGE_ERRORS)
    if key in routes.IF_MATCH:
        _merge(found, IF_MATCH_ERRORS)
        if routes.IF_MATCH[key]:
            _merge(found, {428: ["if_match_required"]})
    if spec.method == "POST" and spec.auth:
        _merge(found, IDEMPOTENCY_ERRORS)
    if key not in routes.NO_STORE:
        _merge(found, STORE_ERRORS)
        if spec.method != "GET":
            _merge(found, WRITE_ERRORS)
    _merge(found, routes.route_errors(spec.method, spec.path))
    _merge(found, integrations.client_refusals(spec))  # issue 16: API clients
    return found


def query_parameters(method: str, path: str) -> list[dict[str, Any]]:
    params = []
    if (method, path) in routes.PAGED:
        params += [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": "Page size, 1 to 100 (default 25)",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "The `next_cursor` of the previous page of this list (anything else is a 400)",
                "schema": {"type": "string"},
            },
        ]
    for name, required, schema, description in routes.QUERY.get((method, path), ()):
        params.append(
            {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
        )
    return params


def header_parameters(spec: RouteSpec) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    key = (spec.method, spec.path)
    if key in routes.IF_MATCH:
        params.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": routes.IF_MATCH[key],
                "description": 'The `version` last read: `"3"`, `3` or `W/"3"`; 412 when no longer current'
                + ("" if routes.IF_MATCH[key] else " (optional here: without it, no check)"),
                "schema": {"type": "string"},
                "example": '"1"',
            }
        )
    if key in routes.IF_NONE_MATCH:
        params.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "The ETag last read: 304 Not Modified (no body) while it is current",
                "schema": {"type": "string"},
            }
        )
    params.extend(routes.HEADER_PARAMETERS.get(key, []))  # CRM in (issue 16): the webhook-* headers
    if spec.method == "POST" and spec.auth:
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "1–255 visible ASCII characters, scoped to the caller and kept 24 hours: a "
                "retry with the same key and body replays the first answer and changes nothing again",
                "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
            }
        )
    return params


def _header(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "schema": schema or {"type": "string"}}


def success_headers(spec: RouteSpec) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    key = (spec.method, spec.path)
    if key in routes.ETAG:
        headers["ETag"] = _header('The record\'s version, quoted (`"3"`): send it back as If-Match')
    if key in routes.LOCATION:
        headers["Location"] = _header("Where the created record is read")
    if spec.method == "POST" and spec.auth:
        headers["Idempotent-Replayed"] = _header(
            "`true` when this is the stored answer to an earlier request with the same Idempotency-Key",
            {"type": "string", "enum": ["true"]},
        )
    return headers


def error_headers(status: int) -> dict[str, Any]:
    if status == 503:
        return {
            "Retry-After": _header("Seconds to wait before retrying", {"type": "string", "pattern": "^\\d+$"})
        }
    if status == 429:
        return {
            "Retry-After": _header(
                "Seconds until the rate limit's window ends", {"type": "string", "pattern": "^\\d+$"}
            )
        }
    if status == 401:
        return {"WWW-Authenticate": _header('`Bearer error="invalid_token", error_description="<code>"`')}
    return {}


def links(method: str, path: str) -> dict[str, Any]:
    return routes.LINKS.get((method, path), {})
