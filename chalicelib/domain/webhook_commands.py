"""Request models of the webhook routes (docs/INTEGRATIONS.md). Loaded on first use, never at cold start:
api/ and services/ import them under TYPE_CHECKING only; `domain/commands.py` re-exports them by name."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from chalicelib.domain.commands import Id, Line, Strict
from chalicelib.domain.webhook_urls import MAX_URL_LENGTH, check_at_creation
from chalicelib.domain.webhooks import SUBSCRIBABLE


def _url(value: str) -> str:
    """https and public (SSRF): a literal private, loopback or link-local address, or a host name that
    resolves to one, is refused; a name that does not resolve yet is accepted (domain/webhook_urls.py)."""
    check_at_creation(value)
    return value


WebhookUrl = Annotated[str, StringConstraints(min_length=8, max_length=MAX_URL_LENGTH), AfterValidator(_url)]
WebhookEventType = Literal[SUBSCRIBABLE]  # type: ignore[valid-type]
EventTypes = Annotated[list[WebhookEventType], Field(min_length=1, max_length=len(SUBSCRIBABLE))]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), Line]


class NewWebhook(Strict):
    """POST /v1/admin/webhooks (org admins)."""

    url: WebhookUrl
    event_types: EventTypes
    description: Description | None = None
    enabled: bool = True
    org_id: Id | None = None  # only needed by an admin of several orgs


class WebhookPatch(Strict):
    """PATCH /v1/admin/webhooks/{webhook_id} (If-Match): the fields sent change; `description: null`
    removes it. Enabling an endpoint the system disabled clears its `disabled_reason`."""

    url: WebhookUrl | None = None
    event_types: EventTypes | None = None
    description: Description | None = None
    enabled: bool | None = None


class SecretRotation(Strict):
    """POST /v1/admin/webhooks/{webhook_id}/rotate-secret: how long the old secret keeps signing too."""

    overlap_hours: Annotated[int, Field(ge=0, le=168)] = 24
