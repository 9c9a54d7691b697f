"""Entity items of the single table. Each declares its keys once; docs/DATA_MODEL.md lists them all.

Partition layout of a deal (one Query on `DEAL#{id}` with `begins_with(SK, "W#")` is the workspace;
`begins_with(SK, "W#DEAL")` is the deal and its parties, which is all authorization needs):

    DEAL#{deal_id}  W#DEAL                      the deal
                    W#DEAL#PARTY#{user_id}      parties
                    W#CR#{change_request_id}    change requests (store/change_request_models.py)
                    W#STAGE#{at}#{change_id}    stage history
                    W#TASK#{task_id}            tasks
                    W#DREQ#{request_id}         document requests
                    W#DOC#{document_id}         document versions (each names its request and version)
                    ACT#{at}#{event_id}         activity (outside the workspace range)
                    MSG#{at}#{message_id}       messages and internal notes (outside it too)
                    UPLOAD#{upload_id}          upload forms handed out (outside the workspace range)
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from chalicelib.clock import parse_iso
from chalicelib.domain import invitee_reminders
from chalicelib.domain.entities import (
    ActivityEvent,
    Address,
    Deal,
    DealSummary,
    Document,
    DocumentRequest,
    Invitation,
    Message,
    Org,
    Party,
    Property,
    StaffMembership,
    StageChange,
    StageDwell,
    Task,
    UploadForm,
    User,
)
from chalicelib.domain.roles import PartyStatus
from chalicelib.store import schema
from chalicelib.store.notification_models import (
    DUE_INDEX,
    DUE_INDEX_DEPENDS,
    NOTIFICATION_ITEM_CLASSES,
    due_key_values,
    shard_of,
)
from chalicelib.store.table import KeyFormat, TableItem, declare_lazy_kinds, share_connection

OPEN_TASK = "open"
WAITING_REQUEST = frozenset({"requested", "rejected"})  # the uploader owns the next move
NO_DUE_DATE = "~"  # sorts after every date: requests without a due date come last
# The org-level indexes of open work (GSI1, sparse, one partition per org): the reports page through them.
OPEN_TASKS_BY_DUE = KeyFormat("ORG#{org_id}#TASKS_DUE", "{due_at}#{deal_id}#{task_id}")
MISSING_DOCUMENTS = KeyFormat("ORG#{org_id}#DOCS_MISSING", "{due_sort}#{deal_id}#{request_id}")
WORKSPACE_PREFIX = "W#"
DEAL_HEADER_PREFIX = "W#DEAL"
ACTIVITY_PREFIX = "ACT#"
MESSAGE_PREFIX = "MSG#"


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


class OrgItem(TableItem, discriminator="Org"):
    KEY = KeyFormat("ORG#{org_id}", "ORG")
    ENTITY = Org

    org_id = _text(False)
    name = _text(False)
    created_at = _text(False)
    time_zone = _text()
    cost_approval_threshold = NumberAttribute(null=True)
    slug = _text()
    template_defaults: MapAttribute[str, Any] = MapAttribute(null=True)  # org-owned templates


class UserItem(TableItem, discriminator="User"):
    """Keyed by normalized email: the token carries the email, so authentication is one Query that
    returns the user and their staff memberships together."""

    KEY = KeyFormat("EMAIL#{email}", "USER")
    INDEXES = {schema.GSI1: KeyFormat("USER#{user_id}", "USER")}
    ENTITY = User

    user_id = _text(False)
    email = _text(False)
    status = _text(False)
    created_at = _text(False)
    name = _text()
    phone = _text()
    status_reason = _text()


class StaffItem(TableItem, discriminator="StaffMembership"):
    KEY = KeyFormat("EMAIL#{email}", "STAFF#{org_id}")
    INDEXES = {schema.GSI1: KeyFormat("ORG#{org_id}#STAFF", "{role}#{user_id}")}
    ENTITY = StaffMembership

    org_id = _text(False)
    org_name = _text(False)
    user_id = _text(False)
    email = _text(False)
    role = _text(False)
    since = _text(False)
    org_slug = _text()


class PropertyItem(TableItem, discriminator="Property"):
    KEY = KeyFormat("PROPERTY#{property_id}", "PROPERTY")
    ENTITY = Property

    property_id = _text(False)
    org_id = _text(False)
    address: MapAttribute[str, Any] = MapAttribute()
    created_at = _text(False)
    # the property record (docs/INTAKE.md, store/intake_models.py has its lookup keys)
    unit = _text()
    address_key = _text()
    apn = _text()
    mls_id = _text()
    owner_account_id = _text()
    contact_ids = ListAttribute(null=True)  # type: ignore[var-annotated]
    merged_into = _text()
    merged_at = _text()


class DealItem(TableItem, discriminator="Deal"):
    KEY = KeyFormat("DEAL#{deal_id}", "W#DEAL")
    INDEXES = {
        # the org's deals, newest activity first (admins' and coordinators' "my deals")
        schema.GSI1: KeyFormat("ORG#{org_id}#DEALS", "{last_activity_at}#{deal_id}"),
        # the pipeline: one partition per org and workflow, by stage, longest in stage first
        schema.GSI2: KeyFormat("ORG#{org_id}#WF#{workflow}", "{stage}#{stage_entered_at}#{deal_id}"),
        # accounts (issue 13): an account's deals, newest first (sparse: deals with an account)
        schema.GSI3: KeyFormat("ACCOUNT#{account_id}#DEALS", "{created_at}#{deal_id}"),
    }
    ENTITY = Deal

    deal_id = _text(False)
    org_id = _text(False)
    workflow = _text(False)
    template_version = NumberAttribute()
    title = _text(False)
    stage = _text(False)
    stage_entered_at = _text(False)
    property_id = _text(False)
    address: MapAttribute[str, Any] = MapAttribute()
    unit = _text()
    created_at = _text(False)
    created_by = _text(False)
    last_activity_at = _text(False)
    version = NumberAttribute()
    key_dates: MapAttribute[str, Any] = MapAttribute(null=True)
    price = NumberAttribute(null=True)
    commission_rate = NumberAttribute(null=True)
    risk_flags = ListAttribute(null=True)  # type: ignore[var-annotated]
    internal_owner_user_id = _text()
    external_id = _text()
    time_zone = _text()
    account_id = _text()  # accounts (issue 13)
    template_id = _text()  # org-owned templates (docs/TEMPLATES.md)


class PartyItem(TableItem, discriminator="Party"):
    """A user's membership of a deal. Active parties also carry a summary of the deal, so the user's
    'my deals' feed is one Query on GSI1 with no per-deal reads."""

    KEY = KeyFormat("DEAL#{deal_id}", "W#DEAL#PARTY#{user_id}")
    INDEXES = {schema.GSI1: KeyFormat("USER#{user_id}#DEALS", "{last_activity_at}#{deal_id}")}
    INDEX_DEPENDS = {schema.GSI1: frozenset({"status"})}
    ENTITY = Party

    deal_id = _text(False)
    org_id = _text(False)
    user_id = _text(False)
    email = _text(False)
    role = _text(False)
    status = _text(False)
    added_at = _text(False)
    added_by = _text(False)
    name = _text()
    phone = _text()
    accepted_at = _text()
    revoked_at = _text()
    invitation_id = _text()
    first_visit_at = _text()
    first_upload_at = _text()
    # the deal summary for the feed (kept current by every deal mutation: store/deals.py touch)
    title = _text()
    workflow = _text()
    stage = _text()
    address: MapAttribute[str, Any] = MapAttribute(null=True)
    unit = _text()
    last_activity_at = _text()

    def index_enabled(self, index: str) -> bool:
        return self.status == PartyStatus.ACTIVE.value

    def to_summary(self) -> DealSummary:
        return DealSummary(
            deal_id=self.deal_id,
            org_id=self.org_id,
            workflow=self.workflow or "",
            title=self.title or "",
            stage=self.stage or "",
            address=Address(**self.address.as_dict()) if self.address else Address("", "", "", ""),
            last_activity_at=_parse(self.last_activity_at),
            unit=self.unit,
            role=self.role,
        )


class StageChangeItem(TableItem, discriminator="StageChange"):
    KEY = KeyFormat("DEAL#{deal_id}", "W#STAGE#{at}#{change_id}")
    ENTITY = StageChange

    deal_id = _text(False)
    change_id = _text(False)
    to_stage = _text(False)
    at = _text(False)
    actor_user_id = _text(False)
    actor_name = _text(False)
    from_stage = _text()
    reason = _text()
    override = BooleanAttribute(null=True)
    unmet = ListAttribute(null=True)  # type: ignore[var-annotated]


class TaskItem(TableItem, discriminator="Task"):
    KEY = KeyFormat("DEAL#{deal_id}", "W#TASK#{task_id}")
    INDEXES = {
        # a user's open tasks across deals (a vendor's open work orders; reassigning an agent's work):
        # sparse, only open tasks with an owner; grouped by deal
        schema.GSI2: KeyFormat("USER#{owner_user_id}#TASKS", "{deal_id}#{task_id}"),
        # the reminders sweep's due index: open tasks with a due date, by next reminder (sparse, sharded)
        schema.GSI3: DUE_INDEX,
        # the org's open tasks with a due date, soonest due first (the overdue-tasks report)
        schema.GSI1: OPEN_TASKS_BY_DUE,
    }
    INDEX_DEPENDS = {
        schema.GSI1: frozenset({"status"}),
        schema.GSI2: frozenset({"status"}),
        schema.GSI3: DUE_INDEX_DEPENDS,
    }
    ENTITY = Task

    def index_enabled(self, index: str) -> bool:
        if index in (schema.GSI1, schema.GSI2):
            return self.status == OPEN_TASK
        return True

    deal_id = _text(False)
    task_id = _text(False)
    title = _text(False)
    stage = _text(False)
    owner_role = _text(False)
    status = _text(False)
    visibility = _text(False)
    created_at = _text(False)
    owner_user_id = _text()
    due_at = _text()
    depends_on = ListAttribute(null=True)  # type: ignore[var-annotated]
    restricted_to = ListAttribute(null=True)  # type: ignore[var-annotated]
    proof_required = _text()
    proof: MapAttribute[str, Any] = MapAttribute(null=True)
    template_key = _text()
    due_rule: MapAttribute[str, Any] = MapAttribute(null=True)
    completed_at = _text()
    completed_by = _text()
    version = NumberAttribute()
    work_order = BooleanAttribute(null=True)
    assignment = _text()
    decline_reason = _text()
    reminded = _text()  # reminder progress, "<threshold>@<due_at>" (domain/reminders.py)
    org_id = _text()  # the deal's (absent on items written before 2026-12: scripts/backfill_open_work.py)
    workflow = _text()

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        return due_key_values(values, kind="task", item_id=self.task_id, is_open=self.status == "open")


class DocumentRequestItem(TableItem, discriminator="DocumentRequest"):
    KEY = KeyFormat("DEAL#{deal_id}", "W#DREQ#{request_id}")
    INDEXES = {
        # the due index: requests still waiting on an upload (requested, rejected) with a due date
        schema.GSI3: DUE_INDEX,
        # the org's required requests waiting on an upload, soonest due first (missing-documents)
        schema.GSI1: MISSING_DOCUMENTS,
    }
    INDEX_DEPENDS = {
        schema.GSI1: frozenset({"status", "required", "due_at"}),
        schema.GSI3: DUE_INDEX_DEPENDS,
    }
    ENTITY = DocumentRequest

    def index_enabled(self, index: str) -> bool:
        if index == schema.GSI1:
            return self.required is not False and self.status in WAITING_REQUEST
        return True

    deal_id = _text(False)
    request_id = _text(False)
    type = _text(False)
    label = _text(False)
    status = _text(False)
    visibility = _text(False)
    created_at = _text(False)
    required = BooleanAttribute(null=True)
    stage = _text()
    due_at = _text()
    target_user_ids = ListAttribute(null=True)  # type: ignore[var-annotated]
    restricted_to = ListAttribute(null=True)  # type: ignore[var-annotated]
    accepted_types = ListAttribute(null=True)  # type: ignore[var-annotated]
    max_bytes = NumberAttribute(null=True)
    template_key = _text()
    due_rule: MapAttribute[str, Any] = MapAttribute(null=True)
    rejection: MapAttribute[str, Any] = MapAttribute(null=True)
    version = NumberAttribute()
    last_refusal: MapAttribute[str, Any] = MapAttribute(null=True)
    reminded = _text()  # reminder progress, "<threshold>@<due_at>" (domain/reminders.py)
    org_id = _text()  # the deal's (absent on items written before 2026-12: scripts/backfill_open_work.py)
    workflow = _text()

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        values["due_sort"] = values.get("due_at") or NO_DUE_DATE
        waiting = self.status in WAITING_REQUEST
        return due_key_values(values, kind="request", item_id=self.request_id, is_open=waiting)


class DocumentItem(TableItem, discriminator="Document"):
    """A version of a document. Keyed by its own id so a download or a review is one GetItem; the
    workspace still loads every version with the rest of the deal (same `W#` range)."""

    KEY = KeyFormat("DEAL#{deal_id}", "W#DOC#{document_id}")
    # the org's review queue, oldest first: only versions awaiting review are in it
    INDEXES = {schema.GSI2: KeyFormat("ORG#{org_id}#REVIEW", "{uploaded_at}#{document_id}")}
    INDEX_DEPENDS = {schema.GSI2: frozenset({"status"})}
    ENTITY = Document

    deal_id = _text(False)
    request_id = _text(False)
    document_id = _text(False)
    version = NumberAttribute()
    status = _text(False)
    sha256 = _text(False)
    size = NumberAttribute()
    content_type = _text(False)
    uploaded_by = _text(False)
    uploaded_at = _text(False)
    s3_key = _text(False)
    file_name = _text()
    org_id = _text()
    label = _text()
    type = _text()
    visibility = _text()
    restricted_to = ListAttribute(null=True)  # type: ignore[var-annotated]
    upload_id = _text()
    review: MapAttribute[str, Any] = MapAttribute(null=True)
    s3_version_id = _text()

    def index_enabled(self, index: str) -> bool:
        return self.status == "submitted"


class UploadFormItem(TableItem, discriminator="UploadForm"):
    """A presigned POST that was handed out; kept (by TTL) well past its expiry so late S3 events still
    find it. Outside the workspace range: the workspace never reads forms."""

    KEY = KeyFormat("DEAL#{deal_id}", "UPLOAD#{upload_id}")
    ENTITY = UploadForm

    deal_id = _text(False)
    upload_id = _text(False)
    request_id = _text(False)
    org_id = _text(False)
    s3_key = _text(False)
    uploaded_by = _text(False)
    content_type = _text(False)
    max_bytes = NumberAttribute()
    status = _text(False)
    issued_at = _text(False)
    form_expires_at = _text(False)
    file_name = _text()
    uploader_label = _text()
    uploader_is_party = BooleanAttribute(null=True)
    document_id = _text()
    refusal: MapAttribute[str, Any] = MapAttribute(null=True)


class ActivityItem(TableItem, discriminator="ActivityEvent"):
    """Append-only: written only with a not-exists condition (UnitOfWork.record); never updated."""

    KEY = KeyFormat("{stream}", "ACT#{at}#{event_id}")
    # an org's activity by month, for exports over a date range
    INDEXES = {schema.GSI1: KeyFormat("ORG#{org_id}#ACT#{month}", "{at}#{event_id}")}
    INDEX_DEPENDS = {schema.GSI1: frozenset({"at"})}
    ENTITY = ActivityEvent

    event_id = _text(False)
    type = _text(False)
    at = _text(False)
    actor_user_id = _text(False)
    actor_label = _text(False)
    visibility = _text(False)
    summary = _text(False)
    org_id = _text()
    deal_id = _text()
    subject_user_id = _text()
    restricted_to = ListAttribute(null=True)  # type: ignore[var-annotated]
    data: MapAttribute[str, Any] = MapAttribute(null=True)

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        values["stream"] = activity_stream(self.deal_id, self.org_id, self.subject_user_id)
        values["month"] = (self.at or "")[:7] or None
        return values


def activity_stream(deal_id: str | None, org_id: str | None, user_id: str | None) -> str:
    """The partition an event belongs to: its deal, else its org, else the user it is about."""
    if deal_id:
        return f"DEAL#{deal_id}"
    if org_id:
        return f"ORG#{org_id}"
    if user_id:
        return f"USER#{user_id}"
    raise ValueError("an activity event needs a deal, an org or a user")


class MessageItem(TableItem, discriminator="Message"):
    """Messages and internal notes: in the deal partition, outside the workspace range (MSG#)."""

    KEY = KeyFormat("DEAL#{deal_id}", "MSG#{at}#{message_id}")
    ENTITY = Message

    deal_id = _text(False)
    message_id = _text(False)
    at = _text(False)
    author_user_id = _text(False)
    author_name = _text(False)
    body = _text(False)
    visibility = _text(False)
    restricted_to = ListAttribute(null=True)  # type: ignore[var-annotated]
    task_id = _text()


class IdempotencyItem(TableItem, discriminator="Idempotency"):
    """The first answer to a POST with an Idempotency-Key, scoped to the caller. Expires by TTL."""

    KEY = KeyFormat("IDEM#{scope}", "IDEM")

    scope = _text(False)
    fingerprint = _text(False)
    created_at = _text(False)
    status_code = NumberAttribute(null=True)
    body = _text()


class InvitationItem(TableItem, discriminator="Invitation"):
    """Found by id (admin routes) or by the hash of its token (accept: one Query on GSI1). Every
    invitation of an org, oldest first, is one GSI2 partition: the activation report reads it."""

    KEY = KeyFormat("INVITATION#{invitation_id}", "INVITATION")
    INDEXES = {
        schema.GSI1: KeyFormat("INVITATION_TOKEN#{token_hash}", "INVITATION"),
        schema.GSI2: KeyFormat("ORG#{org_id}#INVITATIONS", "{created_at}#{invitation_id}"),
        # invitee reminders (issue 13): the sweep's due index, while pending and emailed
        schema.GSI3: DUE_INDEX,
    }
    INDEX_DEPENDS = {schema.GSI3: frozenset({"status", "last_sent_at", "reminded", "sent_count"})}
    ENTITY = Invitation

    invitation_id = _text(False)
    org_id = _text(False)
    deal_id = _text(False)
    workflow = _text(False)
    user_id = _text(False)
    email = _text(False)
    role = _text(False)
    status = _text(False)
    token_hash = _text(False)
    created_at = _text(False)
    valid_until = _text(False)
    invited_by = _text(False)
    last_sent_at = _text(False)
    sent_count = NumberAttribute()
    accepted_at = _text()
    revoked_at = _text()
    first_visit_at = _text()
    first_upload_at = _text()
    reminded = _text()  # invitee reminders (issue 13): domain/invitee_reminders.py

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        waiting = self.status == "pending" and (self.sent_count or 0) > 0 and bool(self.last_sent_at)
        remind_at = None
        if waiting:
            remind_at = invitee_reminders.next_reminder_at(self.reminded, parse_iso(str(self.last_sent_at)))
        values["due_shard"] = shard_of(str(self.invitation_id)) if self.invitation_id else None
        values["remind_at"] = remind_at
        values["due_ref"] = f"invitation#{self.invitation_id}"
        return values


class StageDwellItem(TableItem, discriminator="StageDwell"):
    """One per stage exit, in one partition per org by exit time: the time-in-stage report is a Query of
    a date range of it (items keyed `{workflow}#…` before 2026-12 are re-keyed by the backfill script)."""

    KEY = KeyFormat("ORG#{org_id}#DWELL", "{left_at}#{workflow}#{stage}#{deal_id}")
    ENTITY = StageDwell

    org_id = _text(False)
    workflow = _text(False)
    stage = _text(False)
    deal_id = _text(False)
    entered_at = _text(False)
    left_at = _text(False)
    seconds = NumberAttribute()


class ExternalIdItem(TableItem, discriminator="ExternalId"):
    """One per org and external id (a CRM or spreadsheet key): written with the deal, in its transaction,
    on the condition that it does not exist, so a deal is never imported twice."""

    KEY = KeyFormat("ORG#{org_id}#EXTID#{external_id}", "EXTERNAL_ID")

    org_id = _text(False)
    external_id = _text(False)
    deal_id = _text(False)


def _parse(text: str | None) -> Any:
    return parse_iso(text) if text else None


ITEM_CLASSES: tuple[type[TableItem], ...] = (
    OrgItem,
    UserItem,
    StaffItem,
    PropertyItem,
    DealItem,
    PartyItem,
    StageChangeItem,
    TaskItem,
    DocumentRequestItem,
    DocumentItem,
    ActivityItem,
    MessageItem,
    IdempotencyItem,
    InvitationItem,
    StageDwellItem,
    ExternalIdItem,
    *NOTIFICATION_ITEM_CLASSES,
    UploadFormItem,
)
share_connection(*ITEM_CLASSES)

# The features' item classes load with their module — imported by the code that writes or queries them by
# class, or by the first generic read (`TableItem.from_raw_data`, `batch_get`) of one of their kinds — so
# their domain modules stay out of the API's cold import (docs/BENCHMARKS.md). Each module shares the
# connection itself. `tests/unit/test_lazy_items.py` checks that this map names every other kind, and its
# module.
LAZY_ITEM_MODULES: dict[str, str] = {
    kind: f"chalicelib.store.{module}"
    for module, kinds in {
        "change_request_models": ("ChangeRequest",),  # change requests (docs/CHANGE_REQUESTS.md)
        # intake, contacts and properties (docs/INTAKE.md)
        "intake_models": (
            "OrgSlug",
            "OrgIntake",
            "RoutingCounter",
            "ContactKey",
            "PropertyKey",
            "Contact",
            "Lead",
            "RateLimit",
        ),
        "inbound_lead_models": ("InboundLeads",),  # CRM in (issue 16, docs/CRM_IN.md)
        "webhook_models": ("Webhook", "WebhookDelivery"),  # outbound webhooks (docs/INTEGRATIONS.md)
        "integration_models": ("ApiClient", "CalendarFeed", "CalendarFeedToken"),  # API clients, feeds
        "account_models": ("Account", "AccountMember", "AccountMerge"),  # accounts (issue 13)
        "template_models": ("OrgTemplate", "TemplateVersion"),  # org-owned templates (docs/TEMPLATES.md)
        "esign_models": ("Signature", "Envelope"),  # e-signature (docs/ESIGN.md)
        "exports": ("ExportJob",),  # large exports (issue 18): store/exports.py
    }.items()
    for kind in kinds
}
declare_lazy_kinds(LAZY_ITEM_MODULES)
