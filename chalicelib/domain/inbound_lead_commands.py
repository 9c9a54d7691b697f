"""Request models of inbound CRM leads (docs/CRM_IN.md). Re-exported by domain/commands.py, where the
route decorator and the OpenAPI document find models by name."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.domain.commands import Flag, Line, PropertyIn, Strict, _line
from chalicelib.domain.inbound_leads import MAX_OVERLAP_HOURS
from chalicelib.domain.intake_commands import Answers, IntakeContact

SenderName = Annotated[str, _line(1, 60), Line]
ExternalId = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,128}$")]


class InboundLead(Strict):
    """POST /v1/orgs/{org_slug}/leads/inbound, signed (Standard Webhooks). The intake form's shape, plus
    the sender's name (`source`, e.g. "Follow Up Boss") and its own id for the lead (`external_id`)."""

    scenario: Flag
    contact: IntakeContact
    answers: Answers = Field(default_factory=dict)
    property: PropertyIn | None = None
    source: SenderName | None = None
    external_id: ExternalId | None = None


class InboundSecretRotation(Strict):
    """POST /v1/admin/inbound-leads/secret (optional body): how long the replaced secret keeps verifying
    (24 by default; 0 retires it at once, e.g. when it leaked)."""

    overlap_hours: Annotated[int, Field(ge=0, le=MAX_OVERLAP_HOURS)] = 24
