"""Response shapes of intake, leads, contacts and properties (docs/INTAKE.md); closed like every shape
(api/openapi.py)."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict

from chalicelib.domain.intake import LeadStatus
from chalicelib.domain.responses import Address, Choice, Timestamp


class QuestionOut(TypedDict):
    key: str
    label: str
    type: Annotated[str, Choice("text", "number", "boolean", "choice", "date")]
    required: bool
    choices: list[str]
    help: str


class ScenarioOut(TypedDict):
    key: str
    label: str
    questions: list[QuestionOut]
    checklist: list[str]
    """What to prepare: the welcome email sends it back."""
    property_required: bool


class IntakeForm(TypedDict):
    org_name: str
    scenarios: list[ScenarioOut]


class IntakeReceived(TypedDict):
    """The same answer whether the person was known or not."""

    status: Annotated[str, Choice("received")]


class Candidate(TypedDict):
    kind: Annotated[str, Choice("contact")]
    id: str
    reason: Annotated[str, Choice("similar_email", "similar_name_same_property")]
    score: float


class LeadOut(TypedDict):
    id: str
    org_id: str
    scenario: str
    status: Annotated[str, Choice(LeadStatus)]
    contact_id: str
    contact_name: str
    property_id: str | None
    owner_user_id: str | None
    routed_by: str | None
    answers: dict[str, Any]
    candidates: list[Candidate]
    """Near-duplicates flagged for staff to look at (never merged automatically)."""
    linked_deal_ids: list[str]
    submissions: int
    created_at: Timestamp
    updated_at: Timestamp
    contacted_at: Timestamp | None
    deal_id: str | None
    version: int
    disqualify_reason: NotRequired[str]
    source: Annotated[str, Choice("intake", "crm")]
    """`intake` (the public form) or `crm` (a signed inbound delivery, docs/CRM_IN.md)."""
    source_name: NotRequired[str]
    """The CRM's name, when its delivery gave one."""
    external_id: NotRequired[str]
    """The CRM's own id for the lead, when its delivery gave one."""


class ContactOut(TypedDict):
    id: str
    org_id: str
    name: str
    email: str | None
    phone: str | None
    company: NotRequired[str]
    preferred_channel: NotRequired[str]
    roles: NotRequired[list[str]]
    source: NotRequired[str]
    open_lead_id: NotRequired[str]
    deal_ids: NotRequired[list[str]]
    created_at: NotRequired[Timestamp]
    merged_into: NotRequired[str]
    """A duplicate merged into this contact (undo within 30 days of `merged_at`)."""
    merged_at: NotRequired[Timestamp]


class PropertyRecord(TypedDict):
    id: str
    org_id: str
    address: Address
    unit: str | None
    apn: str | None
    mls_id: str | None
    owner_account_id: str | None
    created_at: Timestamp
    merged_into: NotRequired[str]
    """A duplicate merged into this record (undo within 30 days of `merged_at`)."""
    merged_at: NotRequired[Timestamp]
