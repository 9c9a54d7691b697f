"""Request models of issue 16's API clients (docs/API_CLIENTS.md). Same rules as `domain/commands.py`,
which re-exports them so a route names its body model as any other."""

from __future__ import annotations

from pydantic import Field

from chalicelib.domain.api_clients import Scope
from chalicelib.domain.commands import Id, Name, Strict


class NewApiClient(Strict):
    """POST /v1/admin/api-clients: a machine client of the org, with the scopes it may use."""

    name: Name
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    org_id: Id | None = None  # only needed by an admin of several orgs
