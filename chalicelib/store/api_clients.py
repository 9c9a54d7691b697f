"""API clients: their records in the table and their app clients in the Cognito user pool.

Keys: store/integration_models.py. In AWS each client is a Cognito app client of the stage's user pool
with the client-credentials flow and exactly its scopes of the `threshold` resource server
(infra/identity.py); Cognito holds the secret and shows it once (CreateUserPoolClient's answer).
Revoking deletes the app client (no new token) and marks the record revoked (the tokens already issued
are refused on their next request).
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.config import settings
from chalicelib.domain.api_clients import ApiClient, token_scopes
from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.store import schema
from chalicelib.store.errors import translated
from chalicelib.store.integration_models import ApiClientItem
from chalicelib.store.table import query_page
from chalicelib.store.unit_of_work import UnitOfWork, already_exists


def get(client_id: str) -> ApiClient | None:
    """One strongly consistent GetItem: a revocation is seen by the client's very next request."""
    key = ApiClientItem.key_for(client_id=client_id)
    with translated():
        try:
            return ApiClientItem.get(key[0], key[1], consistent_read=True).to_entity()
        except DoesNotExist:
            return None


def org_page(org_id: str, *, limit: int, start: dict[str, Any] | None) -> tuple[list[ApiClient], Any]:
    """The org's clients, oldest first: one Query on GSI1."""
    with translated():
        page = query_page(
            ApiClientItem.INDEXES[schema.GSI1].partition_for(org_id=org_id),
            index=schema.GSI1,
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, ApiClientItem)], page.last_key


def add(uow: UnitOfWork, client: ApiClient) -> None:
    uow.create(ApiClientItem.from_entity(client), on_exists=already_exists("this API client"))


def mark_revoked(uow: UnitOfWork, before: ApiClient, after: ApiClient) -> None:
    uow.update(
        ApiClientItem.from_entity(before),
        {
            "status": after.status.value,
            "revoked_at": after.revoked_at,
            "revoked_by": after.revoked_by,
            "version": before.version + 1,
        },
        expected_version=before.version,
    )


# -- Cognito ------------------------------------------------------------------------------------------


def create_app_client(name: str, scopes: list[str]) -> tuple[str, str]:
    """A confidential app client allowed the client-credentials flow for exactly `scopes`: its id and
    secret (the only time the secret is seen)."""
    from botocore.exceptions import ClientError

    from chalicelib.store.accounts import client as cognito

    try:
        created = _create(cognito(), name, scopes)
    except ClientError as exc:
        raise _translated(exc) from None
    return created["ClientId"], created.get("ClientSecret", "")


def _translated(exc: Any) -> Exception:
    """Cognito's refusals a caller can act on: its quota of app clients per pool (1,000 by default) is a
    409; throttling is a 503 whose retry is safe (nothing was recorded). Anything else stays an error."""
    code = exc.response.get("Error", {}).get("Code")
    if code == "LimitExceededException":
        return Conflict(
            "the user pool holds as many app clients as its quota allows: revoke unused API clients",
            code="api_client_limit_reached",
        )
    if code in {"TooManyRequestsException", "InternalErrorException"}:
        return Unavailable(
            "the identity service is busy; nothing was created, please retry", code="retry_later"
        )
    return exc


def _create(cognito: Any, name: str, scopes: list[str]) -> Any:
    return cognito.create_user_pool_client(
        UserPoolId=settings().user_pool_id,
        ClientName=name[:128],
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=token_scopes(scopes),
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=60,
        TokenValidityUnits={"AccessToken": "minutes"},
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
    )["UserPoolClient"]


def delete_app_client(client_id: str) -> None:
    """No new token for this client. Deleting one already gone is fine (a retried revocation)."""
    from botocore.exceptions import ClientError

    from chalicelib.store.accounts import client as cognito

    try:
        cognito().delete_user_pool_client(UserPoolId=settings().user_pool_id, ClientId=client_id)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
