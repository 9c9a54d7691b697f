"""Contacts and leads as plain data (docs/INTAKE.md). A contact is a person an org knows — from intake,
or typed in by staff — keyed in its org by normalized email and phone; a lead is one intake submission
being qualified."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.intake import LeadStatus

CONTACT_ROLES = frozenset({"buyer", "seller", "tenant", "landlord", "investor", "vendor", "lender", "other"})
CHANNELS = frozenset({"email", "sms", "phone"})


@dataclass
class Contact:
    contact_id: str
    org_id: str
    name: str
    created_at: datetime
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    preferred_channel: str | None = None
    roles: list[str] = field(default_factory=list)
    user_id: str | None = None  # the person's user (the welcome email and, once converted, the portal)
    source: str = "staff"  # intake, staff, crm
    open_lead_id: str | None = None  # the lead being qualified, while one is open
    deal_ids: list[str] = field(default_factory=list)  # deals their leads opened
    merged_into: str | None = None
    merged_at: datetime | None = None
    version: int = 1


@dataclass
class Lead:
    lead_id: str
    org_id: str
    scenario: str
    status: LeadStatus
    contact_id: str
    contact_name: str
    created_at: datetime
    updated_at: datetime
    answers: dict[str, Any] = field(default_factory=dict)
    property_id: str | None = None
    owner_user_id: str | None = None
    routed_by: str | None = None  # the routing rule's name, or fallback
    candidates: list[dict[str, Any]] = field(default_factory=list)  # near-duplicates flagged for staff
    linked_deal_ids: list[str] = field(default_factory=list)  # the person's deals when they applied
    submissions: int = 1  # the same person and scenario again while open: folded into this lead
    contacted_at: datetime | None = None
    disqualify_reason: str | None = None
    deal_id: str | None = None
    converted_at: datetime | None = None
    remind_at: datetime | None = None  # while new: the next reminder (owner, then coordinator)
    reminded: str | None = None  # owner, escalated
    source: str = "intake"  # intake, crm (docs/CRM_IN.md)
    source_name: str | None = None  # the CRM's name, when its delivery gave one
    external_id: str | None = None  # the CRM's own id for the lead
    version: int = 1
