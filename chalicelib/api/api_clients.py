"""API clients for machines: an org admin creates, lists, reads and revokes them (docs/API_CLIENTS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import Answer, page, page_params, query_param, route
from chalicelib.config import settings
from chalicelib.domain.responses import Page
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import api_clients as client_domain
    from chalicelib.domain import integration_responses as out
    from chalicelib.domain.access import Caller
    from chalicelib.domain.integration_commands import NewApiClient
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    client_domain = LazyModule("chalicelib.domain.api_clients")
    out = LazyModule("chalicelib.domain.integration_responses")

api_clients = Blueprint(__name__)

CLIENTS = "/v1/admin/api-clients"
CLIENT = CLIENTS + "/{client_id}"


@route(
    api_clients,
    CLIENTS,
    "POST",
    summary="Create an API client (OAuth 2.0 client credentials); its secret is shown once",
    body="NewApiClient",
    status=201,
)
def create_client(caller: Caller, body: NewApiClient) -> Answer[out.NewApiClientOut]:
    from chalicelib.services import api_clients as service

    created = service.create(caller, body)
    view = client_domain.api_client_view(created.client)
    answer: out.NewApiClientOut = {
        **view,
        "client_secret": created.secret,
        "token_endpoint": settings().oauth_token_url or None,
        "token_scopes": client_domain.token_scopes(created.client.scopes),
    }
    return Answer(answer, headers={"Location": f"{CLIENTS}/{created.client.client_id}"})


@route(api_clients, CLIENTS, "GET", summary="The org's API clients, oldest first")
def list_clients(caller: Caller, request: Request) -> Page[out.ApiClientOut]:
    from chalicelib.services import api_clients as service

    limit, cursor = page_params(request)
    clients, next_cursor = service.page(caller, query_param(request, "org_id"), limit=limit, cursor=cursor)
    return page([client_domain.api_client_view(c) for c in clients], next_cursor)


@route(api_clients, CLIENT, "GET", summary="One API client (never its secret)")
def get_client(caller: Caller, client_id: str) -> out.ApiClientOut:
    from chalicelib.services import api_clients as service

    return client_domain.api_client_view(service.find(caller, client_id))


@route(api_clients, CLIENT, "DELETE", summary="Revoke an API client: its next request is refused")
def delete_client(caller: Caller, client_id: str) -> out.ApiClientOut:
    from chalicelib.services import api_clients as service

    return client_domain.api_client_view(service.revoke(caller, client_id))


@route(api_clients, CLIENT + "/revoke", "POST", summary="Revoke an API client (same as DELETE)")
def revoke_client(caller: Caller, client_id: str) -> out.ApiClientOut:
    from chalicelib.services import api_clients as service

    return client_domain.api_client_view(service.revoke(caller, client_id))
