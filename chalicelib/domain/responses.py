"""What the API answers: one TypedDict per response shape.

The views (`domain/views.py`, `admin_views.py`, `notification_views.py`, the api/ modules) are annotated
with these types, so mypy refuses a view that adds a key its shape lacks or leaves out a required one; the
OpenAPI document derives its JSON Schemas from the same classes (pydantic's TypeAdapter, in
`api/openapi.py`), and the API tests check every answer against that document (tests/support/contract.py).
At run time they are plain dicts: nothing here imports pydantic, so none of it costs the cold start.

Conventions: a field a caller may not see is `NotRequired` (absent, never null); `X | None` means the key is
always there and may be null. A class docstring becomes the schema's description, an attribute docstring
the field's. Adding a field to the API is one line here plus the line of the view that fills it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, NotRequired, TypedDict

from chalicelib.domain.documents import DocumentStatus, Refusal, RequestStatus
from chalicelib.domain.roles import Capacity, PartyRole, PartyStatus, Visibility


def _on_strings(schema: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """Sets `key` on the string schema, or on the string option of a nullable one (anyOf [string, null])."""
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") == "string":
            option[key] = value
    return schema


class Choice:
    """`Annotated[str, Choice(...)]`: the JSON Schema lists the values (`enum`); the type stays `str`."""

    def __init__(self, *values: str | type[StrEnum]) -> None:
        flat: list[str] = []
        for value in values:
            flat.extend([v.value for v in value] if isinstance(value, type) else [value])
        self.values = flat

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return _on_strings(handler(core_schema), "enum", list(self.values))


class Format:
    """`Annotated[str, Format("date-time")]`: the JSON Schema `format` of a string."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return _on_strings(handler(core_schema), "format", self.name)


Timestamp = Annotated[str, Format("date-time")]  # ISO-8601 UTC with milliseconds
Day = Annotated[str, Format("date")]  # YYYY-MM-DD


class Page[T](TypedDict):
    """A page of a list, newest or soonest first as the route says."""

    items: list[T]
    next_cursor: str | None
    """Pass as `cursor` to get the next page; null on the last page. Opaque, bound to the list and caller."""


class Address(TypedDict):
    line1: str
    line2: NotRequired[str]
    city: str
    state: str
    postal_code: str


class Property(TypedDict):
    property_id: NotRequired[str]
    address: Address
    unit: NotRequired[str]


class Party(TypedDict):
    """A party of a deal. Contact details are shown to staff, to the party themself, and (but to vendors)
    for the deal's agents and coordinators; the dates and the invitation only to staff."""

    user_id: str
    role: Annotated[str, Choice(PartyRole)]
    name: str
    status: Annotated[str, Choice(PartyStatus)]
    email: NotRequired[str]
    phone: NotRequired[str]
    added_at: NotRequired[Timestamp]
    accepted_at: NotRequired[Timestamp]
    revoked_at: NotRequired[Timestamp]
    invitation_id: NotRequired[str]


class WorkOrder(TypedDict):
    assignment: Annotated[str | None, Choice("pending", "accepted", "declined")]
    decline_reason: NotRequired[str]


class Task(TypedDict):
    """A task. `version` is what `If-Match` names on `PATCH`; the task's `ETag` carries it too."""

    id: str
    title: str
    stage: str
    owner_user_id: str | None
    owner_role: str
    due_at: Annotated[str | None, Format("date-time")]
    status: Annotated[str, Choice("open", "done", "cancelled")]
    depends_on: list[str]
    """The tasks that must be done first (only those the caller may see)."""
    visibility: Annotated[str, Choice(Visibility)]
    proof: dict[str, Any] | None
    """`{"note"}` or `{"document_id"}` once done with proof."""
    proof_required: Annotated[str, Choice("none", "note", "document")]
    version: int
    completed_at: NotRequired[Timestamp]
    completed_by: NotRequired[str | None]
    work_order: NotRequired[WorkOrder]


class ReviewOutcome(TypedDict):
    decision: Annotated[str, Choice("approve", "reject")]
    reason_code: NotRequired[str]
    reason: NotRequired[str]
    at: NotRequired[Timestamp]


class Document(TypedDict):
    """One version of a document (versions are never overwritten)."""

    id: str
    version: int
    status: Annotated[str, Choice(DocumentStatus)]
    sha256: str
    size: int
    content_type: str
    uploaded_by: str
    uploaded_at: Timestamp
    file_name: NotRequired[str]
    review: NotRequired[ReviewOutcome]
    upload_id: NotRequired[str]
    """The `upload_id` of the presigned form this version came through."""


class QueuedDocument(Document):
    """A row of the review queue: enough to triage without opening the deal."""

    deal_id: str
    request_id: str
    label: str | None
    type: str | None


class Rejection(TypedDict):
    """Why the request's latest version was rejected (while the request is `rejected`)."""

    document_id: str
    version: int
    decision: str
    reason_code: NotRequired[str]
    reason: NotRequired[str]
    at: Timestamp


class Refused(TypedDict):
    """Why the latest upload to the request was refused by the ingest (the file was quarantined)."""

    code: Annotated[str, Choice(Refusal)]
    message: str
    at: Timestamp
    file_name: NotRequired[str]
    uploaded_by: NotRequired[str]
    upload_id: NotRequired[str]
    """The `upload_id` of the presigned form the refused file came through."""


class DocumentRequest(TypedDict):
    """A document asked of someone, with its versions, oldest first."""

    id: str
    type: str
    label: str
    status: Annotated[str, Choice(RequestStatus)]
    required: bool
    stage: str | None
    due_at: Annotated[str | None, Format("date-time")]
    target_user_ids: list[str]
    """Who may upload besides the deal team; empty: the deal team."""
    accepted_types: list[str]
    max_bytes: int
    visibility: Annotated[str, Choice(Visibility)]
    documents: list[Document]
    version: int
    rejection: NotRequired[Rejection]
    last_refusal: NotRequired[Refused]


# `from` is a Python keyword: this shape is declared in TypedDict's functional form.
StageChange = TypedDict(
    "StageChange",
    {
        "from": str | None,
        "from_label": str | None,
        "to": str,
        "to_label": str,
        "at": Timestamp,
        "by": str,
        "summary": str,
        "id": NotRequired[str],
        "actor_user_id": NotRequired[str],
        "reason": NotRequired[str | None],
        "override": NotRequired[bool],
        "unmet": NotRequired[list[str]],
    },
)
StageChange.__doc__ = (
    "One entry of a deal's status history; `summary` is the line a client reads, in plain words. Staff "
    "also read the reason, whether it was an override and what was unmet."
)


class Upload(TypedDict):
    """What became of one presigned upload form: `issued` (not used yet), `processing` (the file is in
    storage, the ingest has not run), `accepted` (its version is `document_id`), `refused` (why), or
    `expired` (the form was never used)."""

    upload_id: str
    request_id: str
    status: Annotated[str, Choice("issued", "processing", "accepted", "refused", "expired")]
    content_type: str
    issued_at: Timestamp
    expires_at: Timestamp
    file_name: NotRequired[str]
    document_id: NotRequired[str]
    refusal: NotRequired[Refused]


class WaitingOn(TypedDict):
    """Who owns the next move in the current stage: the owner of an open task the caller may see, or the
    uploader of an open document request (`requested` or `rejected`). One entry per person (or per role
    when nobody is named: `user_id` null, `role` the owner role, or `uploader` for the deal team), soonest
    due first."""

    user_id: str | None
    role: str
    open_items: int
    """How many of the stage's open tasks and requests wait on them."""
    next_due_at: Annotated[str | None, Format("date-time")]
    name: NotRequired[str | None]
    change_request_id: NotRequired[str]
    """Set on a line for an open change request: it waits on this person or role to decide."""
    label: NotRequired[str]


class Deal(TypedDict):
    """A deal's workspace, filtered for the caller. Its `version` is served as the `ETag` and is what
    `If-Match` names on `PATCH`. Internal fields are present for staff only; vendors see neither price nor
    key dates (except on a maintenance request)."""

    id: str
    org_id: str
    workflow: str
    template_version: int
    template_id: NotRequired[str]
    """The org template the deal runs (docs/TEMPLATES.md); absent for a built-in."""
    title: str
    stage: str
    stage_label: str
    next_step: str
    """What happens next, in plain language."""
    terminal: bool
    waiting_on: list[WaitingOn]
    property: Property
    parties: list[Party]
    tasks: list[Task]
    document_requests: list[DocumentRequest]
    stage_history: list[StageChange]
    version: int
    time_zone: str
    """The IANA time zone the deal's dates live in (`due_at` instants are UTC; show them in this zone)."""
    created_at: Timestamp
    last_activity_at: Timestamp
    your_role: Annotated[str, Choice(Capacity)]
    """The caller's capacity on this deal."""
    key_dates: NotRequired[dict[str, Day]]
    price: NotRequired[int]
    risk_flags: NotRequired[list[str]]
    commission_rate: NotRequired[float]
    internal_owner_user_id: NotRequired[str]
    external_id: NotRequired[str]
    account_id: NotRequired[str]
    """The account the deal belongs to (staff only; docs/ACCOUNTS.md)."""


class DealSummary(TypedDict):
    """A row of a deal list."""

    id: str
    org_id: str
    workflow: str
    title: str
    stage: str
    stage_label: str
    property: Property
    last_activity_at: Timestamp
    your_role: NotRequired[str]


class PipelineItem(DealSummary):
    stage_entered_at: Timestamp
    days_in_stage: int


class Actor(TypedDict):
    user_id: str
    label: str


class ActivityEvent(TypedDict):
    """One entry of an activity log. `data` depends on `type` (docs/EVENTS.md); staff also read the
    staff-only part of it (`data.internal`), the visibility and who a restricted event is for."""

    id: str
    type: str
    at: Timestamp
    actor: Actor
    summary: str
    data: dict[str, Any]
    visibility: NotRequired[Annotated[str, Choice(Visibility)]]
    restricted_to: NotRequired[list[str]]


class Author(TypedDict):
    user_id: str
    name: str


class Message(TypedDict):
    id: str
    at: Timestamp
    author: Author
    body: str
    visibility: Annotated[str, Choice(Visibility)]
    kind: Annotated[str, Choice("message", "note")]
    task_id: NotRequired[str]
    restricted_to: NotRequired[list[str]]
