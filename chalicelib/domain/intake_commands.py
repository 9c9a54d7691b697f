"""Request models of intake, leads, contacts and properties (docs/INTAKE.md). Re-exported by
domain/commands.py, where the route decorator finds models by name."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.domain.commands import (
    AddressIn,
    Email,
    Flag,
    KeyDate,
    KeyDateName,
    Line,
    Name,
    Phone,
    PropertyIn,
    Reason,
    Strict,
    Title,
    _line,
)

Short = Annotated[str, _line(1, 120), Line]
Answers = Annotated[dict[str, object], Field(max_length=40)]
Honeypot = Annotated[str, StringConstraints(max_length=500)]


class IntakeContact(Strict):
    name: Name
    email: Email
    phone: Phone | None = None


class IntakeSubmission(Strict):
    """POST /v1/orgs/{org_slug}/intake (no auth). `website` is a honeypot the form hides from people:
    a submission that fills it is answered like any other and dropped."""

    scenario: Flag
    contact: IntakeContact
    answers: Answers = Field(default_factory=dict)
    property: PropertyIn | None = None
    website: Honeypot | None = None


ContactRole = Literal["buyer", "seller", "tenant", "landlord", "investor", "vendor", "lender", "other"]


class NewContact(Strict):
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    company: Short | None = None
    preferred_channel: Literal["email", "sms", "phone"] | None = None
    roles: Annotated[list[ContactRole], Field(max_length=8)] = Field(default_factory=list)
    org_id: str | None = None


class NewPropertyRecord(Strict):
    address: AddressIn
    unit: Annotated[str, _line(1, 20), Line] | None = None
    apn: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,40}$")] | None = None
    mls_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,40}$")] | None = None
    owner_account_id: Annotated[str, StringConstraints(pattern=r"^[a-z]{1,5}_[a-z0-9]{26}$")] | None = None
    org_id: str | None = None


class LeadStatusChange(Strict):
    status: Literal["contacted", "qualified", "disqualified", "converted"]
    reason: Reason | None = None


class LeadConversion(Strict):
    """POST /v1/admin/leads/{lead_id}/convert: optional overrides of the deal it opens."""

    title: Title | None = None
    key_dates: Annotated[dict[KeyDateName, KeyDate], Field(max_length=20)] = Field(default_factory=dict)


RecordId = Annotated[str, StringConstraints(pattern=r"^[a-z]{1,5}_[a-z0-9]{26}$")]


class MergeIn(Strict):
    """POST /v1/admin/contacts/{id}/merge, /v1/admin/properties/{id}/merge: this record is a duplicate of
    `into`."""

    into: RecordId
    reason: Reason


class UnmergeIn(Strict):
    reason: Reason
