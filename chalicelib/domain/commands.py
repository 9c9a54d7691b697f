"""Request models: the shape and field rules of every write. Unknown fields are refused (422), types are
strict (a number is not a string), and every string has a length bound."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.domain.documents import RejectionReason, ReviewDecision
from chalicelib.domain.roles import PartyRole, StaffRole, Visibility

_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("not a valid email address")
    return value


def _key_date(value: date) -> date:
    if not date(1990, 1, 1) <= value <= date(2100, 12, 31):
        raise ValueError("dates must fall between 1990 and 2100")
    return value


Email = Annotated[str, AfterValidator(_email)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+[1-9]\d{7,14}$")]
KeyDateName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
KeyDate = Annotated[date, AfterValidator(_key_date)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z]{1,5}_[a-z0-9]{26}$")]
Flag = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class AddressIn(Strict):
    line1: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    line2: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    city: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    postal_code: Annotated[str, StringConstraints(pattern=r"^\d{5}(-\d{4})?$")]


class PropertyIn(Strict):
    address: AddressIn
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None = None


class PartyIn(Strict):
    email: Email
    role: PartyRole
    name: Name | None = None
    phone: Phone | None = None


class NewDeal(Strict):
    workflow: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]
    title: Title
    property: PropertyIn
    key_dates: dict[KeyDateName, KeyDate] = Field(default_factory=dict, max_length=30)
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)
    org_id: Id | None = None
    price: Annotated[int, Field(ge=0, le=10_000_000_000)] | None = None
    commission_rate: Annotated[float, Field(ge=0, le=100)] | None = None
    risk_flags: list[Flag] = Field(default_factory=list, max_length=20)
    internal_owner_user_id: Id | None = None
    external_id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None


class DealPatch(Strict):
    """Fields present are set; `null` clears a nullable field; a key date set to null is removed."""

    title: Title | None = None
    property: PropertyIn | None = None
    key_dates: dict[KeyDateName, KeyDate | None] | None = Field(default=None, max_length=30)
    price: Annotated[int, Field(ge=0, le=10_000_000_000)] | None = None
    commission_rate: Annotated[float, Field(ge=0, le=100)] | None = None
    risk_flags: list[Flag] | None = Field(default=None, max_length=20)
    internal_owner_user_id: Id | None = None
    critical: bool = False  # admins, coordinators: the key-date move goes through digests and quiet hours


StageKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
TaskTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
MessageBody = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class TransitionIn(Strict):
    """POST /v1/deals/{id}/transitions."""

    to: StageKey
    reason: Reason | None = None
    override: bool = False


class ProofIn(Strict):
    """What completes a task: a note, or a document of the deal (one of the two)."""

    note: Note | None = None
    document_id: Id | None = None


class NewTask(Strict):
    title: TaskTitle
    stage: StageKey | None = None  # default: the deal's current stage
    owner_user_id: Id | None = None
    owner_role: PartyRole | None = None
    due_at: AwareDatetime | None = None
    depends_on: list[Id] = Field(default_factory=list, max_length=20)
    visibility: Visibility = Visibility.PARTIES
    restricted_to: list[Id] = Field(default_factory=list, max_length=20)
    proof: Literal["none", "note", "document"] = "none"


class TaskPatch(Strict):
    """PATCH /v1/deals/{id}/tasks/{task_id} (If-Match). Fields present are changed; `null` clears the
    owner or the due date. `response` is a vendor's answer to a work order."""

    title: TaskTitle | None = None
    owner_user_id: Id | None = None
    due_at: AwareDatetime | None = None
    status: Literal["open", "done", "cancelled"] | None = None
    proof: ProofIn | None = None
    depends_on: list[Id] | None = Field(default=None, max_length=20)
    visibility: Visibility | None = None
    restricted_to: list[Id] | None = Field(default=None, max_length=20)
    response: Literal["accept", "decline"] | None = None
    reason: Reason | None = None


class NewMessage(Strict):
    """A deal message (`parties` or `restricted` to some parties), or an internal note (`internal`)."""

    body: MessageBody
    visibility: Visibility = Visibility.PARTIES
    restricted_to: list[Id] = Field(default_factory=list, max_length=20)
    task_id: Id | None = None  # a vendor writes about one of their work orders
    critical: bool = False  # admins and coordinators: through digests and quiet hours (never SMS hours)


class ReasonIn(Strict):
    reason: Reason


class NotificationResendIn(Strict):
    reason: Reason | None = None


class StaffRoleChange(Strict):
    org_id: Id
    role: StaffRole
    reason: Reason


class TaskReassign(Strict):
    from_user_id: Id
    to_user_id: Id
    reason: Reason
    deal_id: Id | None = None
    org_id: Id | None = None


class ActivityExportIn(Strict):
    format: Literal["csv", "jsonl"]
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    org_id: Id | None = None


WallTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class QuietHoursIn(Strict):
    start: WallTime
    end: WallTime


class ChannelSwitches(Strict):
    email: bool | None = None
    sms: bool | None = None
    in_app: bool | None = None


class PreferencesPatch(Strict):
    """PUT /v1/me/preferences: the keys present are updated; `quiet_hours: null` removes quiet hours."""

    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    quiet_hours: QuietHoursIn | None = None
    digest: Literal["immediate", "hourly", "daily"] | None = None
    channels: ChannelSwitches | None = None
    categories: dict[Flag, ChannelSwitches] | None = Field(default=None, max_length=10)


class NotificationRulesIn(Strict):
    """PUT /v1/admin/orgs/{org_id}/notification-rules: per event type and recipient group, the channels
    (replacing the workflow defaults for that pair); `{}` for a type restores its defaults."""

    overrides: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+$")],
        dict[Literal["staff", "client", "vendor", "partner"], list[Literal["email", "sms", "in_app"]]],
    ] = Field(max_length=60)


# -- documents (PRODUCT.md §5) --------------------------------------------------------------------

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
ContentType = Annotated[str, StringConstraints(pattern=r"^[a-z]+/[a-z0-9.+-]{1,100}$")]
DocType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _file_name(value: str) -> str:
    """What the browser reports as the file's name, reduced to its last path component, without control
    characters. Kept as metadata only (never in an object key)."""
    name = re.split(r"[\\/]", value)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    if not name or name in (".", ".."):
        raise ValueError("a file name is needed")
    return name[:255]


FileName = Annotated[str, StringConstraints(max_length=1024), AfterValidator(_file_name)]


class NewDocumentRequest(Strict):
    """Ask for a document: from the deal's template (`template_key`), or ad hoc (`type` and `label`).
    Fields given override the template's."""

    template_key: DocType | None = None
    type: DocType | None = None
    label: Label | None = None
    stage: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")] | None = None
    required: bool | None = None
    due_at: datetime | None = None
    target_user_ids: list[Id] | None = Field(default=None, max_length=20)
    visibility: Visibility | None = None
    restricted_to: list[Id] = Field(default_factory=list, max_length=20)
    accepted_types: list[ContentType] | None = Field(default=None, min_length=1, max_length=10)
    max_bytes: Annotated[int, Field(ge=1, le=MAX_UPLOAD_BYTES)] | None = None


class NewUpload(Strict):
    """The file the browser is about to send: its name (metadata only), type and, if known, size."""

    file_name: FileName
    content_type: ContentType
    size: Annotated[int, Field(ge=0, le=10 * MAX_UPLOAD_BYTES)] | None = None


class Review(Strict):
    decision: ReviewDecision
    reason_code: RejectionReason | None = None
    reason: Reason | None = None


DocumentType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]


class DocumentCorrection(Strict):
    """PATCH /v1/admin/deals/{id}/documents/{document_id}: ops correct a label or type, with a reason."""

    label: Title | None = None
    type: DocumentType | None = None
    reason: Reason


# -- change requests (docs/CHANGE_REQUESTS.md); `fields` is checked against the type's own schema ----------

ChangeRequestFields = Annotated[dict[str, object], Field(max_length=20)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class NewChangeRequest(Strict):
    type: Flag
    fields: ChangeRequestFields
    comment: Comment | None = None


class ChangeRequestResubmission(Strict):
    fields: ChangeRequestFields
    comment: Comment | None = None


class ChangeRequestDecisionIn(Strict):
    decision: Literal["approve", "reject", "request_changes"]
    comment: Comment | None = None


class ChangeRequestSettingsIn(Strict):
    """PUT /v1/admin/orgs/{org_id}/change-request-settings (admins); null: back to the template's amount."""

    cost_approval_threshold: Annotated[int, Field(ge=0, le=1_000_000)] | None
