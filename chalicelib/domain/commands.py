"""Request models: the shape and field rules of every write. Unknown fields are refused (422), types are
strict (a number is not a string), and every string has a length bound.

Free text is refused (422) when it holds control characters (NUL, escapes; line breaks only where text
may span lines), bidi embeddings/overrides/isolates (U+202A–U+202E, U+2066–U+2069: "Trojan Source"
text that reads differently than it sorts), a lone surrogate, or nothing but blanks and invisible
formatting characters (zero-width spaces). Addresses go through email-validator, phone numbers through
libphonenumber (docs/API.md, "Validation")."""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.domain.documents import RejectionReason, ReviewDecision
from chalicelib.domain.roles import PartyRole, StaffRole, Visibility

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\t")
PHONE_REGION = "US"  # a number typed without +country is read as a US number (the brokerages are US)


def _text(*, multiline: bool, blank: bool = False) -> Callable[[str], str]:
    allowed_controls = LINE_BREAKS if multiline else frozenset()

    def check(value: str) -> str:
        for char in value:
            category = unicodedata.category(char)
            if (category == "Cc" and char not in allowed_controls) or category == "Cs":
                raise ValueError("control characters are not allowed")
            if char in BIDI_CONTROLS:
                raise ValueError("bidirectional override characters are not allowed")
        if not blank and all(char.isspace() or unicodedata.category(char) == "Cf" for char in value):
            raise ValueError("the text is blank")
        return value

    return check


Line = AfterValidator(_text(multiline=False))
Paragraphs = AfterValidator(_text(multiline=True))


def _email(value: str) -> str:
    """A deliverable-looking address (email-validator, no DNS lookup), in ASCII: an internationalized
    local part is refused (U+212A KELVIN SIGN lowercases to "k" and would name another person), an
    internationalized domain is kept in its IDNA (xn--) form. Lowercased: one person, one identity."""
    from email_validator import EmailNotValidError, validate_email

    if len(value) > 254:
        raise ValueError("not a valid email address")
    try:
        found = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise ValueError("not a valid email address") from None
    return (found.ascii_email or found.normalized).lower()


def _phone(value: str) -> str:
    """As typed (`(617) 555-0104`, `617.555.0104`, `+44 20 7946 0958`), stored as E.164 (`+16175550104`)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _key_date(value: date) -> date:
    if not date(1990, 1, 1) <= value <= date(2100, 12, 31):
        raise ValueError("dates must fall between 1990 and 2100")
    return value


def _line(min_length: int, max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Email = Annotated[str, StringConstraints(max_length=320), AfterValidator(_email)]
Name = Annotated[str, _line(1, 120), Line]
Phone = Annotated[str, StringConstraints(min_length=3, max_length=40), AfterValidator(_phone)]
KeyDateName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
KeyDate = Annotated[date, AfterValidator(_key_date)]
Title = Annotated[str, _line(1, 200), Line]
Reason = Annotated[str, _line(3, 1000), Paragraphs]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z]{1,5}_[a-z0-9]{26}$")]
Flag = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class AddressIn(Strict):
    line1: Annotated[str, _line(1, 200), Line]
    line2: Annotated[str, _line(0, 200), AfterValidator(_text(multiline=False, blank=True))] | None = None
    city: Annotated[str, _line(1, 100), Line]
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    postal_code: Annotated[str, StringConstraints(pattern=r"^\d{5}(-\d{4})?$")]


class PropertyIn(Strict):
    address: AddressIn
    unit: Annotated[str, _line(1, 20), Line] | None = None


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
    external_id: Annotated[str, StringConstraints(min_length=1, max_length=100), Line] | None = None
    account_id: Id | None = None  # accounts (issue 13): the account the deal belongs to (staff)
    # org-owned templates (docs/TEMPLATES.md): run this template (a built-in workflow name or an org
    # template id) at this published version (default: its latest); without it, the org's template for
    # the property's state, else the built-in
    template_id: (
        Annotated[str, StringConstraints(pattern=r"^([a-z][a-z_]{0,39}|tp_[a-z0-9]{26})$")] | None
    ) = None
    template_version: Annotated[int, Field(ge=1, le=999_999)] | None = None


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
    account_id: Id | None = None  # accounts (issue 13): set, or null to detach the deal from its account


StageKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
TaskTitle = Annotated[str, _line(1, 200), Line]
Note = Annotated[str, _line(1, 2000), Paragraphs]
MessageBody = Annotated[str, _line(1, 5000), Paragraphs]


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


def _content_type(value: str) -> str:
    from chalicelib.domain import filetypes

    return filetypes.canonical(value)


ContentType = Annotated[
    str,
    StringConstraints(max_length=120),
    AfterValidator(_content_type),
    StringConstraints(pattern=r"^[a-z]+/[a-z0-9.+-]{1,100}$"),
]
# What a browser reports for the file being uploaded: as ContentType, or "" (judged by the extension)
DeclaredType = Annotated[
    str,
    StringConstraints(max_length=120),
    AfterValidator(_content_type),
    StringConstraints(pattern=r"^([a-z]+/[a-z0-9.+-]{1,100})?$"),
]
DocType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
Label = Annotated[str, _line(1, 200), Line]


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
    content_type: DeclaredType = ""
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


# -- request models declared in their feature's own module: intake and leads (docs/INTAKE.md), CRM in
# (docs/CRM_IN.md), outbound webhooks (docs/INTEGRATIONS.md), accounts (docs/ACCOUNTS.md), API clients
# (docs/API_CLIENTS.md), org templates (docs/TEMPLATES.md). A route names its body model and
# api/http.py and api/openapi.py look it up in this module, so each is found here by name — loaded on
# first use: those modules build on `Strict` and the types above, so importing them from here while this
# module loads would be a cycle whenever one of them is imported first (a cold function's first request).
# Import them from their own module in code.
_DECLARED_ELSEWHERE = {
    "IntakeSubmission": "intake_commands",
    "LeadConversion": "intake_commands",
    "LeadStatusChange": "intake_commands",
    "MergeIn": "intake_commands",
    "NewContact": "intake_commands",
    "NewPropertyRecord": "intake_commands",
    "UnmergeIn": "intake_commands",
    "InboundLead": "inbound_lead_commands",
    "InboundSecretRotation": "inbound_lead_commands",
    "NewWebhook": "webhook_commands",
    "SecretRotation": "webhook_commands",
    "WebhookPatch": "webhook_commands",
    "AccountAccessIn": "accounts_commands",
    "AccountMemberIn": "accounts_commands",
    "AccountMergeIn": "accounts_commands",
    "AccountMergeUndoIn": "accounts_commands",
    "AccountPatch": "accounts_commands",
    "InvitationCorrection": "accounts_commands",
    "NewAccount": "accounts_commands",
    "NewApiClient": "integration_commands",
    "NewTemplate": "template_commands",
    "TemplateDraftIn": "template_commands",
    "TemplateFileIn": "template_commands",
    "TemplateMigrationIn": "template_commands",
}


def __getattr__(name: str) -> type[BaseModel]:
    module = _DECLARED_ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    model: type[BaseModel] = getattr(importlib.import_module(f"chalicelib.domain.{module}"), name)
    return model
