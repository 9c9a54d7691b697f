"""Response shapes of the routes around the deals: the caller, notifications, invitations, uploads and
downloads, exports, reports and the admin panel. Same conventions as `domain/responses.py`."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, TypedDict

from chalicelib.domain.notifications import Channel, DeliveryState, Digest
from chalicelib.domain.responses import Choice, Day, Document, Format, Timestamp
from chalicelib.domain.roles import InvitationStatus, PartyRole, PartyStatus, StaffRole, UserStatus


class Health(TypedDict):
    status: Annotated[str, Choice("ok")]
    stage: str
    time: Timestamp


class Staff(TypedDict):
    org_id: str
    org_name: str
    role: Annotated[str, Choice(StaffRole)]
    org_slug: NotRequired[str]
    """The org's public intake address: `/v1/orgs/{org_slug}/intake-form` (docs/INTAKE.md)."""


class Me(TypedDict):
    """The caller: identity, and the orgs where they are staff."""

    id: str
    email: str
    name: str | None
    staff: list[Staff]
    phone: NotRequired[str]


class StaffRoleChanged(Staff):
    user_id: str


class ManagedUser(TypedDict):
    id: str
    email: str
    name: str | None
    status: Annotated[str, Choice(UserStatus)]
    staff: list[Staff]
    status_reason: NotRequired[str]


class DealMove(TypedDict):
    deal_id: str
    title: str
    task_ids: list[str]
    reason: NotRequired[str]


class Reassigned(TypedDict):
    """What a reassignment did: tasks moved, per deal; deals skipped (with why) or failed."""

    moved: int
    deals: list[DealMove]
    skipped: list[DealMove]
    failed: list[dict[str, Any]]


class InvitationPreview(TypedDict):
    """What the invitation page shows before sign-in."""

    status: str
    role: Annotated[str, Choice(PartyRole)]
    deal_title: str
    email_hint: str
    """The invited address, masked (`b***@mail.example`)."""
    valid_until: Timestamp


class InvitationAccepted(TypedDict):
    invitation_id: str
    deal_id: str
    role: Annotated[str, Choice(PartyRole)]
    status: Annotated[str, Choice(PartyStatus)]


class Invitation(TypedDict):
    """An invitation as ops see it (never its token)."""

    id: str
    deal_id: str
    user_id: str
    email: str
    role: Annotated[str, Choice(PartyRole)]
    status: Annotated[str, Choice(InvitationStatus)]
    created_at: Timestamp
    valid_until: Timestamp
    last_sent_at: Timestamp
    sent_count: int
    accepted_at: NotRequired[Timestamp]
    revoked_at: NotRequired[Timestamp]


class UploadForm(TypedDict):
    """A presigned POST: the browser POSTs `fields`, then `file`, to `url` before `expires_at`."""

    url: str
    fields: dict[str, str]
    expires_at: Timestamp
    max_bytes: int
    upload_id: str
    """Names this upload; the version or the refusal it becomes carries it."""


class RequestStatusOut(TypedDict):
    id: str
    status: str


class Reviewed(Document):
    """The reviewed version and where its request stands now."""

    request: RequestStatusOut


class Download(TypedDict):
    """A 5-minute link to the file; the view is recorded in the deal's activity."""

    url: str
    expires_at: Timestamp
    document: Document


# `from` is a Python keyword: functional form.
class ExportProgress(TypedDict):
    events: int
    bytes: int
    parts: int


ActivityExport = TypedDict(
    "ActivityExport",
    {
        "id": str,
        "status": Annotated[str, Choice("running", "ready", "failed")],
        "format": Annotated[str, Choice("csv", "jsonl")],
        "from": Day,
        "to": Day,
        "count": int,
        "progress": ExportProgress,
        "url": NotRequired[str],
        "expires_at": NotRequired[Timestamp],
        "failure": NotRequired[str],
    },
)
ActivityExport.__doc__ = (
    "An activity export written to S3: while `running` its progress (202; the export worker moves it on, "
    "poll its `Location` to read it); once `ready` a presigned link (`url`, until `expires_at`); if it "
    "`failed`, why (`failure`: start a new export)."
)


class Notification(TypedDict):
    id: str
    type: str
    deal_id: str | None
    subject: str | None
    text: str
    link: str | None
    created_at: Timestamp
    read: bool
    read_at: NotRequired[Timestamp]


class AdminNotification(Notification):
    """One notification as ops see it: who, how, and what became of it."""

    user_id: str
    channel: Annotated[str, Choice(Channel)]
    state: Annotated[str, Choice(DeliveryState)]
    reason: str | None
    resent_from: str | None
    sent_at: Annotated[str | None, Format("date-time")]


class ReadMarker(TypedDict):
    id: str
    read: bool


class Unsubscribed(TypedDict):
    unsubscribed: list[str]


class HoursOfDay(TypedDict):
    start: str
    end: str


class Preferences(TypedDict):
    """Effective preferences: channels not switched off read `true`; `categories` lists only overrides."""

    time_zone: str | None
    """IANA time zone; null: the brokerage's."""
    quiet_hours: HoursOfDay | None
    digest: Annotated[str, Choice(Digest)]
    channels: dict[str, bool]
    categories: dict[str, dict[str, bool]]
    sms_hours: HoursOfDay
    """The only hours an SMS may arrive, recipient local time (not tunable)."""
    version: int


class NotificationRules(TypedDict):
    """`{"<event type>": {"staff" | "client" | "vendor" | "partner": ["email", "sms", "in_app"]}}`."""

    overrides: dict[str, dict[str, list[str]]]


Report = TypedDict(
    "Report",
    {
        "report": Annotated[str, Choice("time-in-stage", "overdue-tasks", "missing-documents", "activation")],
        "org_id": str,
        "generated_at": Timestamp,
        "workflow": NotRequired[str],
        "from": NotRequired[Day],
        "to": NotRequired[Day],
        "rows": NotRequired[list[dict[str, Any]]],
        "items": NotRequired[list[dict[str, Any]]],
        "next_cursor": NotRequired[str | None],
        "funnel": NotRequired[dict[str, int]],
        "drop_off": NotRequired[dict[str, int]],
        "rates": NotRequired[dict[str, Any]],
        "expired_unaccepted": NotRequired[int],
        "by_role": NotRequired[dict[str, Any]],
    },
)
Report.__doc__ = (
    "An ops report (docs/REPORTS.md): `rows` (time-in-stage) or the activation funnel (`funnel`, "
    "`drop_off`, `rates`, `expired_unaccepted`, `by_role`) over `from`..`to`; or one page of `items` "
    "(overdue-tasks, missing-documents) with `next_cursor`."
)


class WorkflowSummary(TypedDict):
    workflow: str
    version: int
    title: str


class WorkflowList(TypedDict):
    """The workflow templates, each at its latest version."""

    items: list[WorkflowSummary]


class DocumentDone(TypedDict):
    type: str
    label: str


class TaskDone(TypedDict):
    key: str
    title: str


class DoneWhen(TypedDict):
    """What leaving the stage takes: these documents approved and these tasks done."""

    documents_approved: list[DocumentDone]
    tasks_done: list[TaskDone]


class WorkflowStage(TypedDict):
    key: str
    label: str
    next_step: str
    terminal: bool
    exit: bool
    done_when: DoneWhen


class WorkflowTemplate(TypedDict):
    """A workflow template's stage ladder with plain-language labels and each stage's definition of done."""

    workflow: str
    version: int
    title: str
    stages: list[WorkflowStage]
