"""Response shapes of inbound CRM leads (docs/CRM_IN.md); closed in the OpenAPI document
(api/openapi.py)."""

from __future__ import annotations

from typing import Annotated, TypedDict

from chalicelib.domain.responses import Choice, Timestamp


class InboundLeadsOut(TypedDict):
    """An org's inbound-lead settings. The secret itself is never shown again after its creation."""

    org_id: str
    enabled: bool
    path: str
    """The receiver's path: give the sender the API's base URL followed by it."""
    url: str | None
    """The receiver's full URL, when the request named the host it came through."""
    secret_created_at: Timestamp | None
    previous_secret_expires_at: Timestamp | None
    """Until then the replaced secret still verifies (rotation overlap)."""
    updated_at: Timestamp | None
    version: int


class InboundSecretOut(InboundLeadsOut):
    secret: str
    """`whsec_…`: shown once, in this answer only. Give it to the sender."""


class InboundLeadReceived(TypedDict):
    """The same answer for a first delivery and for any repeat of it (same `webhook-id`)."""

    status: Annotated[str, Choice("received")]
