"""The records Threshold keeps, as plain data. The store maps them to and from DynamoDB items."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib.domain.roles import (
    InvitationStatus,
    PartyRole,
    PartyStatus,
    StaffRole,
    UserStatus,
    Visibility,
)


@dataclass(frozen=True)
class Actor:
    """Who did something: a user, or a named system principal ("system", a console role)."""

    user_id: str
    label: str


SYSTEM = Actor("system", "Threshold")


@dataclass
class Address:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str | None = None

    def one_line(self) -> str:
        street = f"{self.line1}, {self.line2}" if self.line2 else self.line1
        return f"{street}, {self.city}, {self.state} {self.postal_code}"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "line1": self.line1,
            "city": self.city,
            "state": self.state,
            "postal_code": self.postal_code,
        }
        if self.line2:
            out["line2"] = self.line2
        return out


@dataclass
class Org:
    org_id: str
    name: str
    created_at: datetime
    time_zone: str = "America/New_York"
    cost_approval_threshold: int | None = None  # dollars; None: the template's (docs/CHANGE_REQUESTS.md)
    slug: str | None = None  # URL-safe, unique: the public intake form's address (docs/INTAKE.md)
    # org-owned templates (docs/TEMPLATES.md): "<workflow>#<state>" → "<template_id>#<version>", the
    # published template a new deal in that state runs by default
    template_defaults: dict[str, str] = field(default_factory=dict)


@dataclass
class User:
    user_id: str
    email: str
    status: UserStatus
    created_at: datetime
    name: str | None = None
    phone: str | None = None
    status_reason: str | None = None


@dataclass
class StaffMembership:
    org_id: str
    org_name: str
    user_id: str
    email: str
    role: StaffRole
    since: datetime
    org_slug: str | None = None  # the org's intake slug, denormalized like its name (GET /v1/me)


@dataclass
class Property:
    property_id: str
    org_id: str
    address: Address
    created_at: datetime
    # the property record (docs/INTAKE.md): set when it is created through intake or the properties routes
    unit: str | None = None
    address_key: str | None = None  # normalized address + unit (domain/matching.py)
    apn: str | None = None
    mls_id: str | None = None
    owner_account_id: str | None = None  # an account (another feature's record), not validated here
    contact_ids: list[str] = field(default_factory=list)  # people linked to it (near-duplicate names)
    merged_into: str | None = None
    merged_at: datetime | None = None


@dataclass
class Deal:
    deal_id: str
    org_id: str
    workflow: str
    template_version: int
    title: str
    stage: str
    stage_entered_at: datetime
    property_id: str
    address: Address
    created_at: datetime
    created_by: str
    last_activity_at: datetime
    version: int = 1
    unit: str | None = None
    key_dates: dict[str, date] = field(default_factory=dict)
    price: int | None = None
    # Internal fields: never serialized to a non-staff caller.
    commission_rate: float | None = None
    risk_flags: list[str] = field(default_factory=list)
    internal_owner_user_id: str | None = None
    external_id: str | None = None
    time_zone: str = "America/New_York"  # the org's, copied at creation: items due on a date fall due here
    account_id: str | None = None  # accounts (issue 13): the account the deal belongs to (staff only)
    # org-owned templates (docs/TEMPLATES.md): the org template the deal runs; None runs the built-in
    template_id: str | None = None


@dataclass
class DealSummary:
    """A deal as it appears in a list (denormalized onto party items for the 'my deals' feed)."""

    deal_id: str
    org_id: str
    workflow: str
    title: str
    stage: str
    address: Address
    last_activity_at: datetime
    unit: str | None = None
    role: str | None = None


@dataclass
class Party:
    deal_id: str
    org_id: str
    user_id: str
    email: str
    role: PartyRole
    status: PartyStatus
    added_at: datetime
    added_by: str
    name: str | None = None
    phone: str | None = None
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None
    invitation_id: str | None = None  # the invitation an invited party joins through
    # the activation funnel of an invitee (docs/REPORTS.md), also kept on their invitation
    first_visit_at: datetime | None = None
    first_upload_at: datetime | None = None


@dataclass
class StageChange:
    deal_id: str
    change_id: str
    to_stage: str
    at: datetime
    actor_user_id: str
    actor_name: str
    from_stage: str | None = None
    reason: str | None = None
    override: bool = False
    unmet: list[str] = field(default_factory=list)


@dataclass
class Task:
    deal_id: str
    task_id: str
    title: str
    stage: str
    owner_role: str
    status: str
    visibility: Visibility
    created_at: datetime
    owner_user_id: str | None = None
    due_at: datetime | None = None
    depends_on: list[str] = field(default_factory=list)
    restricted_to: list[str] = field(default_factory=list)
    proof_required: str = "none"
    proof: dict[str, Any] | None = None
    template_key: str | None = None
    due_rule: dict[str, Any] | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    version: int = 1
    work_order: bool = False  # a vendor assignment the vendor accepts or declines
    assignment: str | None = None  # work orders: pending | accepted | declined
    decline_reason: str | None = None
    # copied from the deal (never change): the org's open-work index and the reminder need no deal read
    org_id: str | None = None
    workflow: str | None = None


@dataclass
class DocumentRequest:
    deal_id: str
    request_id: str
    type: str
    label: str
    status: str
    visibility: Visibility
    created_at: datetime
    required: bool = True
    stage: str | None = None
    due_at: datetime | None = None
    target_user_ids: list[str] = field(default_factory=list)
    restricted_to: list[str] = field(default_factory=list)
    accepted_types: list[str] = field(default_factory=list)
    max_bytes: int = 25 * 1024 * 1024
    template_key: str | None = None
    due_rule: dict[str, Any] | None = None
    rejection: dict[str, Any] | None = None
    version: int = 1
    last_refusal: dict[str, Any] | None = None  # why the latest upload was refused (the uploader reads it)
    # copied from the deal (never change): the org's open-work index and the reminder need no deal read
    org_id: str | None = None
    workflow: str | None = None


@dataclass
class Document:
    deal_id: str
    request_id: str
    document_id: str
    version: int
    status: str
    sha256: str
    size: int
    content_type: str
    uploaded_by: str
    uploaded_at: datetime
    s3_key: str
    file_name: str | None = None
    # copied from the request at ingest: the queue row and the download need no second read
    org_id: str | None = None
    label: str | None = None
    type: str | None = None
    visibility: Visibility = Visibility.PARTIES
    restricted_to: list[str] = field(default_factory=list)
    upload_id: str | None = None
    review: dict[str, Any] | None = None  # decision, reason_code, reason, by, at
    s3_version_id: str | None = None  # the S3 object version that was checked, where versioning is on


@dataclass
class ActivityEvent:
    """An append-only audit record. `deal_id` or `org_id` (or a user) names the stream it belongs to."""

    event_id: str
    type: str
    at: datetime
    actor_user_id: str
    actor_label: str
    visibility: Visibility
    summary: str
    org_id: str | None = None
    deal_id: str | None = None
    subject_user_id: str | None = None
    restricted_to: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Message:
    """A deal message (by visibility) or an internal note (`internal` visibility, staff only)."""

    deal_id: str
    message_id: str
    at: datetime
    author_user_id: str
    author_name: str
    body: str
    visibility: Visibility
    restricted_to: list[str] = field(default_factory=list)
    task_id: str | None = None  # a vendor's message is about one of their work orders


def changed_fields(before: Any, after: Any) -> dict[str, Any]:
    """Field-level diff of two versions of one entity: the fields of `after` that differ."""
    return {
        f.name: getattr(after, f.name)
        for f in dataclasses.fields(after)
        if getattr(before, f.name) != getattr(after, f.name)
    }


@dataclass
class Invitation:
    """An invitation to join a deal as a party. The token itself is never stored: only its SHA-256.
    It also carries the invitee's activation funnel (accepted, first visit, first upload)."""

    invitation_id: str
    org_id: str
    deal_id: str
    workflow: str
    user_id: str
    email: str
    role: PartyRole
    status: InvitationStatus
    token_hash: str
    created_at: datetime
    valid_until: datetime
    invited_by: str
    last_sent_at: datetime
    sent_count: int = 1
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None
    first_visit_at: datetime | None = None
    first_upload_at: datetime | None = None
    # invitee reminders (issue 13): "<threshold>@<last_sent_at>" (domain/invitee_reminders.py)
    reminded: str | None = None


@dataclass
class StageDwell:
    """How long a deal stayed in a stage: written when it leaves it (time-in-stage report)."""

    org_id: str
    workflow: str
    stage: str
    deal_id: str
    entered_at: datetime
    left_at: datetime
    seconds: int


@dataclass
class NotificationPreference:
    """A user's notification choices (PUT /v1/me/preferences); absent means "the rules decide"."""

    user_id: str
    updated_at: datetime
    time_zone: str | None = None
    quiet_start: str | None = None  # "HH:MM", local time
    quiet_end: str | None = None
    digest: str = "immediate"
    channels: dict[str, bool] = field(default_factory=dict)
    categories: dict[str, dict[str, bool]] = field(default_factory=dict)
    version: int = 1


@dataclass
class Notification:
    """One message to one user on one channel about one event. Its id derives from (event, user,
    channel), so a redelivered event finds the notification it already wrote."""

    notification_id: str
    user_id: str
    channel: str
    event_id: str
    event_type: str
    created_at: datetime
    state: str
    send_after: datetime
    message: dict[str, Any]  # subject, happened, next_step, link (domain/notification_templates.py)
    deal_id: str | None = None
    org_id: str | None = None
    destination: str | None = None  # the email address or phone number it goes to
    time_zone: str | None = None  # the recipient's, when it was planned (the SMS hours are re-checked)
    digest: bool = False
    critical: bool = False
    read_at: datetime | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    provider_id: str | None = None
    reason: str | None = None
    attempts: int = 0
    resent_from: str | None = None  # a resend: the notification it repeats (that one is never changed)
    resend_count: int = 0  # how many times ops resent this one (a resend is keyed off the count it replaces)


@dataclass
class UploadForm:
    """A presigned POST handed out for one upload. The ingest accepts a file only at the key of a form
    that was issued, and only once."""

    deal_id: str
    upload_id: str
    request_id: str
    org_id: str
    s3_key: str
    uploaded_by: str
    content_type: str
    max_bytes: int
    status: str
    issued_at: datetime
    form_expires_at: datetime
    file_name: str | None = None
    uploader_label: str | None = None
    uploader_is_party: bool = False  # a party (not staff): they must still be one when the file lands
    document_id: str | None = None
    refusal: dict[str, Any] | None = None
