"""Response shapes of issue 16's API clients and calendar feeds (docs/API_CLIENTS.md, docs/CALENDAR.md).
Same conventions as `domain/responses.py`: closed TypedDicts, registered in api/openapi.py."""

from __future__ import annotations

from typing import Annotated, NotRequired, TypedDict

from chalicelib.domain.api_clients import ClientStatus, Scope
from chalicelib.domain.responses import Choice, Timestamp

ScopeName = Annotated[str, Choice(Scope)]


class ApiClientOut(TypedDict):
    """A machine client of one org. `id` is its OAuth client id; its secret is shown only on creation."""

    id: str
    org_id: str
    name: str
    scopes: list[ScopeName]
    status: Annotated[str, Choice(ClientStatus)]
    created_at: Timestamp
    created_by: str
    version: int
    revoked_at: NotRequired[Timestamp]
    revoked_by: NotRequired[str]


class NewApiClientOut(ApiClientOut):
    """The created client with its secret — shown this once, never stored by Threshold — and how it gets
    an access token (`token_endpoint`: POST grant_type=client_credentials, HTTP Basic with id and
    secret; null in local mode, where `make token CLIENT=<id>` mints one)."""

    client_secret: str
    token_endpoint: str | None
    token_scopes: list[str]


class CalendarFeedOut(TypedDict):
    """The caller's private calendar feed (RFC 5545): subscribe to `url` in any calendar app. Anyone with
    the URL reads the feed: rotate it if it leaks (the old URL stops at once)."""

    url: str
    created_at: Timestamp


class CalendarFeedRevoked(TypedDict):
    """`revoked`: whether a feed existed (it no longer answers); false when there was none."""

    revoked: bool
