"""API clients: machines (a CRM, a brokerage's script) calling the API with OAuth 2.0 client credentials.

A client belongs to one org and holds a set of scopes. It acts as a principal of its own kind: it reaches
every deal of its org the way the org's admins do (never a deal of another org: 404), but only through the
routes its scopes open (api/machine_scopes.py), and never a route meant for a person (`/v1/me`,
notifications, the admin panel's user management). Its actions are audited with the client as actor
(`actor.user_id` = `client:<client id>`). docs/API_CLIENTS.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.clock import iso
from chalicelib.domain.access import Caller
from chalicelib.domain.entities import StaffMembership, User
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.roles import StaffRole, UserStatus

if TYPE_CHECKING:
    from chalicelib.domain.integration_responses import ApiClientOut

# The Cognito resource server's identifier: a token's `scope` claim reads "threshold/deals:read ...".
RESOURCE_SERVER = "threshold"
ACTOR_PREFIX = "client:"


class Scope(StrEnum):
    DEALS_READ = "deals:read"
    DEALS_WRITE = "deals:write"
    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_WRITE = "documents:write"
    WEBHOOKS_MANAGE = "webhooks:manage"


SCOPE_DESCRIPTIONS: dict[Scope, str] = {
    Scope.DEALS_READ: "Read deals, their tasks, document requests, messages and activity",
    Scope.DEALS_WRITE: "Open and edit deals, move stages, manage tasks, parties, messages and requests",
    Scope.DOCUMENTS_READ: "Download documents",
    Scope.DOCUMENTS_WRITE: "Upload documents and review them",
    Scope.WEBHOOKS_MANAGE: "Manage the org's webhook subscriptions",
}


class ClientStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


@dataclass
class ApiClient:
    """One machine client. `client_id` is the OAuth client id (Cognito's app client id in AWS)."""

    client_id: str
    org_id: str
    name: str
    scopes: list[str]
    status: ClientStatus
    created_at: datetime
    created_by: str
    version: int = 1
    org_name: str = ""
    revoked_at: datetime | None = None
    revoked_by: str | None = None


@dataclass(frozen=True)
class MachineCaller(Caller):
    """The Caller of a request made with an API client's access token. It stands in the client's org as
    an admin would (deal rules, record visibility) — narrowed by its scopes, route by route."""

    client_id: str = ""
    scopes: frozenset[str] = field(default_factory=frozenset)

    def require_scope(self, needed: str | None) -> None:
        if needed is None:
            raise Forbidden("this route is for people, not API clients", code="not_for_api_clients")
        needed = str(needed)  # a Scope or its value (api/machine_scopes.py names them as text)
        if needed not in self.scopes:
            raise Forbidden(
                f"this API client lacks the {needed} scope",
                code="insufficient_scope",
                details={"required_scope": needed},
            )


def actor_id(client_id: str) -> str:
    return ACTOR_PREFIX + client_id


def is_client_actor(actor_user_id: str) -> bool:
    return actor_user_id.startswith(ACTOR_PREFIX)


def machine_caller(client: ApiClient, token_scopes: frozenset[str]) -> MachineCaller:
    """The principal of one request: the scopes both granted to the client and carried by its token."""
    user = User(
        user_id=actor_id(client.client_id),
        email=f"{client.client_id}@api-clients.invalid",  # never mailed: no notification targets a client
        status=UserStatus.ACTIVE,
        created_at=client.created_at,
        name=f"{client.name} (API client)",
    )
    membership = StaffMembership(
        org_id=client.org_id,
        org_name=client.org_name,
        user_id=user.user_id,
        email=user.email,
        role=StaffRole.ADMIN,
        since=client.created_at,
    )
    return MachineCaller(
        user=user,
        staff=(membership,),
        client_id=client.client_id,
        scopes=frozenset(client.scopes) & token_scopes,
    )


def scopes_of_token(claim: object) -> frozenset[str]:
    """`threshold/deals:read threshold/deals:write` → {"deals:read", "deals:write"}: only scopes of this
    resource server, and only ones this API knows."""
    if not isinstance(claim, str):
        return frozenset()
    known = {s.value for s in Scope}
    prefix = RESOURCE_SERVER + "/"
    return frozenset(part.removeprefix(prefix) for part in claim.split() if part.startswith(prefix)) & known


def token_scopes(scopes: list[str]) -> list[str]:
    """The OAuth scope names Cognito knows them by (AllowedOAuthScopes)."""
    return [f"{RESOURCE_SERVER}/{s}" for s in sorted(scopes)]


def api_client_view(client: ApiClient) -> ApiClientOut:
    view: ApiClientOut = {
        "id": client.client_id,
        "org_id": client.org_id,
        "name": client.name,
        "scopes": list(client.scopes),
        "status": client.status.value,
        "created_at": iso(client.created_at),
        "created_by": client.created_by,
        "version": client.version,
    }
    if client.revoked_at is not None:
        view["revoked_at"] = iso(client.revoked_at)
        view["revoked_by"] = client.revoked_by or ""
    return view
