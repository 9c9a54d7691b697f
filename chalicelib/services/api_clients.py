"""API clients: an org admin creates, lists, reads and revokes them; every request a client makes is
authenticated here (docs/API_CLIENTS.md)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.auth import ClientIdentity
from chalicelib.domain.access import Caller, require_admin
from chalicelib.domain.api_clients import (
    ApiClient,
    ClientStatus,
    MachineCaller,
    machine_caller,
    scopes_of_token,
)
from chalicelib.domain.errors import Invalid, NotFound, Unauthenticated
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import StaffRole
from chalicelib.observability import logger
from chalicelib.services.activity import org_event
from chalicelib.store import api_clients as store
from chalicelib.store import cursors
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.integration_commands import NewApiClient


@dataclasses.dataclass(frozen=True)
class Created:
    client: ApiClient
    secret: str


def caller_for_client(identity: ClientIdentity) -> MachineCaller:
    """One strongly consistent GetItem (the client's record) instead of the user's Query: a revoked or
    unknown client is refused on its very next request."""
    client = store.get(identity.client_id)
    if client is None:
        raise Unauthenticated("this token's client is not an API client of Threshold", code="invalid_token")
    if client.status is not ClientStatus.ACTIVE:
        raise Unauthenticated("this API client has been revoked", code="api_client_revoked")
    return machine_caller(client, scopes_of_token(identity.scope))


def _admin_org(caller: Caller, org_id: str | None) -> tuple[str, str]:
    """The org an admin manages clients of, and its name: the one they administer, or the one they name."""
    if org_id is None:
        admin_of = [m.org_id for m in caller.staff if m.role is StaffRole.ADMIN]
        if len(admin_of) > 1:
            raise Invalid(
                "you administer several organizations: say which with org_id", code="org_id_required"
            )
        org_id = admin_of[0] if admin_of else next((m.org_id for m in caller.staff), None)
        if org_id is None:
            raise NotFound("organization not found")
    require_admin(caller, org_id)
    name = next(m.org_name for m in caller.staff if m.org_id == org_id)
    return org_id, name


def create(caller: Caller, command: NewApiClient) -> Created:
    """The Cognito app client first (its id keys the record), then the record and its event in one
    transaction; if that fails the app client is deleted again, so no credential outlives a failed call."""
    org_id, org_name = _admin_org(caller, command.org_id)
    scopes = sorted({s.value for s in command.scopes})
    client_id, secret = store.create_app_client(command.name, scopes)
    client = ApiClient(
        client_id=client_id,
        org_id=org_id,
        org_name=org_name,
        name=command.name,
        scopes=scopes,
        status=ClientStatus.ACTIVE,
        created_at=clock.now(),
        created_by=caller.user_id,
    )
    uow = UnitOfWork()
    store.add(uow, client)
    uow.record(
        org_event(
            org_id,
            caller.actor,
            EventType.API_CLIENT_CREATED,
            f"Created the API client {command.name}",
            data={"client_id": client_id, "name": command.name, "scopes": scopes},
        )
    )
    committed = False
    try:
        uow.commit()
        committed = True
    finally:
        if not committed:  # whatever stopped the record, the Cognito app client must not outlive it
            store.delete_app_client(client_id)
    logger.info("api client created", extra={"client_id": client_id, "org_id": org_id})
    return Created(client, secret)


def find(caller: Caller, client_id: str) -> ApiClient:
    """Admins of the client's org; anyone else, and an unknown id, is told it does not exist."""
    client = store.get(client_id) if _plausible(client_id) else None
    if client is None or caller.staff_role(client.org_id) is None:
        raise NotFound("API client not found")
    require_admin(caller, client.org_id)
    return client


def page(
    caller: Caller, org_id: str | None, *, limit: int, cursor: str | None
) -> tuple[list[ApiClient], str | None]:
    org_id, _ = _admin_org(caller, org_id)
    scope = f"api-clients:{org_id}:{caller.user_id}"
    clients, last_key = store.org_page(org_id, limit=limit, start=cursors.decode(scope, cursor))
    return clients, cursors.encode(scope, last_key)


def revoke(caller: Caller, client_id: str) -> ApiClient:
    """Marks the record revoked (its tokens are refused from the next request on), then deletes the app
    client (no new token). Revoking a revoked client only retries the deletion: the same answer."""
    client = find(caller, client_id)
    if client.status is ClientStatus.ACTIVE:
        revoked = dataclasses.replace(
            client,
            status=ClientStatus.REVOKED,
            revoked_at=clock.now(),
            revoked_by=caller.user_id,
            version=client.version + 1,
        )
        uow = UnitOfWork()
        store.mark_revoked(uow, client, revoked)
        uow.record(
            org_event(
                client.org_id,
                caller.actor,
                EventType.API_CLIENT_REVOKED,
                f"Revoked the API client {client.name}",
                data={"client_id": client.client_id, "name": client.name},
            )
        )
        uow.commit()
        client = revoked
    store.delete_app_client(client.client_id)
    return client


def _plausible(client_id: str) -> bool:
    return 1 <= len(client_id) <= 128 and client_id.isascii() and client_id.isalnum()
