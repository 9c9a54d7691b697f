"""What each caller sees. Fields a role may not see are absent, never null (PRODUCT.md §4).

Every serializer takes the viewer's DealAccess; nothing outside this module decides field visibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from chalicelib.clock import iso
from chalicelib.domain import responses as out
from chalicelib.domain import workflows
from chalicelib.domain.access import DealAccess, can_see
from chalicelib.domain.change_request_views import waiting_on_entries
from chalicelib.domain.entities import (
    ActivityEvent,
    Address,
    Deal,
    DealSummary,
    Document,
    DocumentRequest,
    Message,
    Party,
    StageChange,
    Task,
    UploadForm,
)
from chalicelib.domain.roles import Capacity, PartyRole, PartyStatus, Visibility

# Roles whose contact details every non-vendor party may see: the people a client calls.
CONTACTABLE_ROLES = frozenset({PartyRole.AGENT, PartyRole.COORDINATOR})
AWAITING_UPLOAD = frozenset({"requested", "rejected"})  # the uploader owns the next move


@dataclass
class Workspace:
    """A deal and everything kept in its partition: one Query loads it (DATA_MODEL.md)."""

    deal: Deal
    parties: list[Party] = field(default_factory=list)
    stage_history: list[StageChange] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    document_requests: list[DocumentRequest] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    change_requests: list[Any] = field(default_factory=list)  # domain/change_requests.py ChangeRequest

    def party(self, user_id: str) -> Party | None:
        return next((p for p in self.parties if p.user_id == user_id), None)

    def active_parties(self) -> list[Party]:
        return [p for p in self.parties if p.status is not PartyStatus.REVOKED]


def _ts(value: Any) -> str | None:
    return iso(value) if value is not None else None


def party_view(party: Party, access: DealAccess) -> out.Party:
    view: out.Party = {
        "user_id": party.user_id,
        "role": party.role.value,
        "name": party.name or party.email.split("@", 1)[0],
        "status": party.status.value,
    }
    own = party.user_id == access.user_id
    contactable = party.role in CONTACTABLE_ROLES and access.capacity is not Capacity.VENDOR
    if access.is_staff or own or contactable:
        view["email"] = party.email
        if party.phone:
            view["phone"] = party.phone
    if access.is_staff:
        view["added_at"] = iso(party.added_at)
        if party.accepted_at:
            view["accepted_at"] = iso(party.accepted_at)
        if party.revoked_at:
            view["revoked_at"] = iso(party.revoked_at)
        if party.invitation_id:
            view["invitation_id"] = party.invitation_id
    return view


def visible_parties(parties: list[Party], access: DealAccess) -> list[Party]:
    if access.is_staff:
        return parties
    current = [p for p in parties if p.status is not PartyStatus.REVOKED]
    if access.capacity is Capacity.VENDOR:
        return [p for p in current if p.user_id == access.user_id or p.role in CONTACTABLE_ROLES]
    return current


def task_visible(task: Task, access: DealAccess) -> bool:
    return can_see(access, task.visibility, task.restricted_to, owner_user_id=task.owner_user_id)


def task_view(task: Task, visible_ids: set[str] | None = None) -> out.Task:
    depends_on = [d for d in task.depends_on if visible_ids is None or d in visible_ids]
    view: out.Task = {
        "id": task.task_id,
        "title": task.title,
        "stage": task.stage,
        "owner_user_id": task.owner_user_id,
        "owner_role": task.owner_role,
        "due_at": _ts(task.due_at),
        "status": task.status,
        "depends_on": depends_on,
        "visibility": task.visibility.value,
        "proof": task.proof,
        "proof_required": task.proof_required,
        "version": task.version,
    }
    if task.completed_at:
        view["completed_at"] = iso(task.completed_at)
        view["completed_by"] = task.completed_by
    if task.work_order:
        view["work_order"] = {"assignment": task.assignment}
        if task.decline_reason:
            view["work_order"]["decline_reason"] = task.decline_reason
    return view


def request_visible(request: DocumentRequest, access: DealAccess) -> bool:
    return can_see(access, request.visibility, [*request.restricted_to, *request.target_user_ids])


def document_view(doc: Document) -> out.Document:
    view: out.Document = {
        "id": doc.document_id,
        "version": doc.version,
        "status": doc.status,
        "sha256": doc.sha256,
        "size": doc.size,
        "content_type": doc.content_type,
        "uploaded_by": doc.uploaded_by,
        "uploaded_at": iso(doc.uploaded_at),
    }
    if doc.file_name:
        view["file_name"] = doc.file_name
    if doc.upload_id:
        view["upload_id"] = doc.upload_id  # the form's upload_id: the portal matches its upload to this
    if doc.review:
        view["review"] = cast(
            "out.ReviewOutcome", {k: v for k, v in doc.review.items() if k in REVIEW_FIELDS}
        )
    return view


REVIEW_FIELDS = ("decision", "reason_code", "reason", "at")


def review_queue_view(doc: Document) -> out.QueuedDocument:
    """A row of the org's review queue: enough to triage without opening the deal."""
    return {
        **document_view(doc),
        "deal_id": doc.deal_id,
        "request_id": doc.request_id,
        "label": doc.label,
        "type": doc.type,
    }


def document_request_view(request: DocumentRequest, documents: list[Document]) -> out.DocumentRequest:
    view: out.DocumentRequest = {
        "id": request.request_id,
        "type": request.type,
        "label": request.label,
        "status": request.status,
        "required": request.required,
        "stage": request.stage,
        "due_at": _ts(request.due_at),
        "target_user_ids": list(request.target_user_ids),
        "accepted_types": list(request.accepted_types),
        "max_bytes": request.max_bytes,
        "visibility": request.visibility.value,
        "documents": [document_view(d) for d in sorted(documents, key=lambda d: d.version)],
        "version": request.version,
    }
    if request.rejection:
        view["rejection"] = cast("out.Rejection", {k: v for k, v in request.rejection.items() if k != "by"})
    if request.last_refusal:
        view["last_refusal"] = cast("out.Refused", request.last_refusal)
    return view


def upload_view(form: UploadForm, state: str) -> out.Upload:
    """GET /v1/deals/{id}/uploads/{upload_id}: what became of one presigned form."""
    view: out.Upload = {
        "upload_id": form.upload_id,
        "request_id": form.request_id,
        "status": state,
        "content_type": form.content_type,
        "issued_at": iso(form.issued_at),
        "expires_at": iso(form.form_expires_at),
    }
    if form.file_name:
        view["file_name"] = form.file_name
    if form.document_id:
        view["document_id"] = form.document_id
    if form.refusal:
        view["refusal"] = cast("out.Refused", {**form.refusal, "upload_id": form.upload_id})
    return view


def stage_change_view(change: StageChange, access: DealAccess, deal: Deal) -> out.StageChange:
    template = workflows.of_deal(deal)
    view: out.StageChange = {
        "from": change.from_stage,
        "from_label": template.stage(change.from_stage).label if change.from_stage else None,
        "to": change.to_stage,
        "to_label": template.stage(change.to_stage).label,
        "at": iso(change.at),
        "by": change.actor_name,
        "summary": _stage_summary(change, template),
    }
    if access.is_staff:
        view["id"] = change.change_id
        view["actor_user_id"] = change.actor_user_id
        view["reason"] = change.reason
        view["override"] = change.override
        view["unmet"] = list(change.unmet)
    return view


def _stage_summary(change: StageChange, template: workflows.WorkflowTemplate) -> str:
    """The history line a client reads: plain words, no internal reason."""
    to = template.stage(change.to_stage)
    if change.from_stage is None:
        return f"Started at {to.label}"
    frm = template.stage(change.from_stage)
    if to.exit:
        return f"{to.label} while in {frm.label}"
    return f"Moved from {frm.label} to {to.label}"


def message_view(message: Message, access: DealAccess) -> out.Message:
    view: out.Message = {
        "id": message.message_id,
        "at": iso(message.at),
        "author": {"user_id": message.author_user_id, "name": message.author_name},
        "body": message.body,
        "visibility": message.visibility.value,
        "kind": "note" if message.visibility is Visibility.INTERNAL else "message",
    }
    if message.task_id:
        view["task_id"] = message.task_id
    if access.is_staff and message.restricted_to:
        view["restricted_to"] = list(message.restricted_to)
    return view


def waiting_on(ws: Workspace, access: DealAccess) -> list[out.WaitingOn]:
    """Who owns the next move in the current stage: owners of open visible tasks and the uploaders of
    open document requests, soonest due first."""
    stage = ws.deal.stage
    owners: dict[tuple[str | None, str], out.WaitingOn] = {}
    soonest: dict[tuple[str | None, str], datetime] = {}

    def add(user_id: str | None, role: str, due: datetime | None) -> None:
        key = (user_id, role)
        entry = owners.setdefault(
            key, {"user_id": user_id, "role": role, "open_items": 0, "next_due_at": None}
        )
        entry["open_items"] += 1
        if due is not None and (key not in soonest or due < soonest[key]):
            soonest[key] = due

    for task in ws.tasks:
        if task.stage == stage and task.status == "open" and task_visible(task, access):
            add(task.owner_user_id, task.owner_role, task.due_at)
    for req in ws.document_requests:
        if req.stage == stage and req.status in AWAITING_UPLOAD and request_visible(req, access):
            uploaders: list[str | None] = list(req.target_user_ids) or [None]
            for user_id in uploaders:
                party = ws.party(user_id) if user_id else None
                add(user_id, party.role.value if party else "uploader", req.due_at)
    names = {p.user_id: p.name or p.email.split("@", 1)[0] for p in ws.parties}
    result = []
    for key, entry in sorted(owners.items(), key=lambda kv: (kv[0] not in soonest, soonest.get(kv[0]))):
        entry["next_due_at"] = _ts(soonest.get(key))
        if entry["user_id"]:
            entry["name"] = names.get(entry["user_id"])
        result.append(entry)
    return result + cast("list[out.WaitingOn]", waiting_on_entries(ws.change_requests, ws.parties, access))


def deal_view(ws: Workspace, access: DealAccess) -> out.Deal:
    deal = ws.deal
    template = workflows.of_deal(deal)
    stage = template.stage(deal.stage)
    tasks = [t for t in ws.tasks if task_visible(t, access)]
    visible_task_ids = {t.task_id for t in tasks}
    requests = [r for r in ws.document_requests if request_visible(r, access)]
    docs_by_request: dict[str, list[Document]] = {}
    for doc in ws.documents:
        docs_by_request.setdefault(doc.request_id, []).append(doc)
    view: out.Deal = {
        "id": deal.deal_id,
        "org_id": deal.org_id,
        "workflow": deal.workflow,
        "template_version": deal.template_version,
        "title": deal.title,
        "stage": deal.stage,
        "stage_label": stage.label,
        "next_step": stage.next_step,
        "terminal": stage.terminal,
        "waiting_on": waiting_on(ws, access),
        "property": _property_view(deal),
        "parties": [party_view(p, access) for p in visible_parties(ws.parties, access)],
        "tasks": [task_view(t, visible_task_ids) for t in sorted(tasks, key=_due_order)],
        "document_requests": [
            document_request_view(r, docs_by_request.get(r.request_id, []))
            for r in sorted(requests, key=_due_order)
        ],
        "stage_history": [
            stage_change_view(c, access, deal) for c in sorted(ws.stage_history, key=lambda c: c.at)
        ],
        "version": deal.version,
        # the IANA zone the deal's dates live in: `due_at` instants are UTC; a portal shows them here
        "time_zone": deal.time_zone,
        "created_at": iso(deal.created_at),
        "last_activity_at": iso(deal.last_activity_at),
        "your_role": access.capacity.value,
    }
    if access.capacity is not Capacity.VENDOR or deal.workflow == "maintenance":
        view["key_dates"] = {name: d.isoformat() for name, d in sorted(deal.key_dates.items())}
    if access.capacity is not Capacity.VENDOR and deal.price is not None:
        view["price"] = deal.price
    if deal.template_id is not None:  # org-owned templates (docs/TEMPLATES.md)
        view["template_id"] = deal.template_id
    if access.is_staff:
        _add_internal_fields(view, deal)
    return view


def _due_order(record: Task | DocumentRequest) -> tuple[bool, str]:
    return (record.due_at is None, iso(record.due_at) if record.due_at else "")


def _property_view(deal: Deal) -> out.Property:
    view: out.Property = {"property_id": deal.property_id, "address": _address(deal.address)}
    if deal.unit:
        view["unit"] = deal.unit
    return view


def _address(address: Address) -> out.Address:
    return cast("out.Address", address.as_dict())


def _add_internal_fields(view: out.Deal, deal: Deal) -> None:
    view["risk_flags"] = list(deal.risk_flags)
    if deal.commission_rate is not None:
        view["commission_rate"] = deal.commission_rate
    if deal.internal_owner_user_id:
        view["internal_owner_user_id"] = deal.internal_owner_user_id
    if deal.external_id:
        view["external_id"] = deal.external_id
    if deal.account_id:  # accounts (issue 13)
        view["account_id"] = deal.account_id


def deal_summary_view(summary: DealSummary) -> out.DealSummary:
    template = workflows.latest(summary.workflow)
    label = template.stage(summary.stage).label if template.has_stage(summary.stage) else summary.stage
    view: out.DealSummary = {
        "id": summary.deal_id,
        "org_id": summary.org_id,
        "workflow": summary.workflow,
        "title": summary.title,
        "stage": summary.stage,
        "stage_label": label,
        "property": {"address": _address(summary.address)},
        "last_activity_at": iso(summary.last_activity_at),
    }
    if summary.unit:
        view["property"]["unit"] = summary.unit
    if summary.role:
        view["your_role"] = summary.role
    return view


def activity_view(event: ActivityEvent, access: DealAccess | None) -> out.ActivityEvent:
    """`data["internal"]` is the staff-only part of an event (e.g. a commission change)."""
    staff = access is None or access.is_staff
    data = dict(event.data) if staff else {k: v for k, v in event.data.items() if k != "internal"}
    view: out.ActivityEvent = {
        "id": event.event_id,
        "type": event.type,
        "at": iso(event.at),
        "actor": {"user_id": event.actor_user_id, "label": event.actor_label},
        "summary": event.summary,
        "data": data,
    }
    if staff:
        view["visibility"] = event.visibility.value
        if event.restricted_to:
            view["restricted_to"] = list(event.restricted_to)
    return view
