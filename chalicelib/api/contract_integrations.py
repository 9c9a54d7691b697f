"""What the OpenAPI document says of issue 16's integrations beyond the route tables of
`contract_routes.py`: API clients' security scheme and refusals (docs/API_CLIENTS.md), and the calendar
feed's media type (docs/CALENDAR.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.machine_scopes import scope_for
from chalicelib.domain.api_clients import SCOPE_DESCRIPTIONS, token_scopes

if TYPE_CHECKING:
    from chalicelib.api.http import RouteSpec

PATH_PARAMETERS = {"client_id": "An API client's OAuth client id"}
FEED = "/v1/calendar/{token}"
MEDIA_TYPES: dict[tuple[str, str], str] = {("GET", FEED): "text/calendar"}

# Every authenticated route may meet an API client: revoked (401), or a scope it lacks / a people-only
# route (403).
CLIENT_AUTH_ERRORS = {401: ["api_client_revoked"]}


def client_refusals(spec: RouteSpec) -> dict[int, list[str]]:
    if not spec.auth:
        return {}
    scope = scope_for(spec.method, spec.path)
    return {**CLIENT_AUTH_ERRORS, 403: ["insufficient_scope" if scope is not None else "not_for_api_clients"]}


def security(spec: RouteSpec) -> list[dict[str, list[str]]]:
    """A person's ID token on every authenticated route; an API client's access token, with the scope the
    route needs, where machines are let in (api/machine_scopes.py)."""
    if not spec.auth:
        return []
    scope = scope_for(spec.method, spec.path)
    if scope is None:
        return [{"bearer": []}]
    return [{"bearer": []}, {"apiClient": token_scopes([scope])}]


def machine_security_schemes() -> dict[str, Any]:
    from chalicelib.config import settings

    return {
        "apiClient": {
            "type": "oauth2",
            "description": "An API client's access token (OAuth 2.0 client credentials through the stage's "
            "Cognito domain; `make token CLIENT=<id>` in local mode). docs/API_CLIENTS.md",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": settings().oauth_token_url or "/oauth2/token",
                    "scopes": {
                        name: SCOPE_DESCRIPTIONS[scope]
                        for scope in SCOPE_DESCRIPTIONS
                        for name in token_scopes([scope.value])
                    },
                }
            },
        }
    }
