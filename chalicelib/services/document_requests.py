"""Document requests: list them, ask for a document (ad hoc or from the deal's template), and hand out
the presigned POST form for one upload."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain import filetypes, plan, workflows
from chalicelib.domain.access import Action, Caller, DealAccess, require_access
from chalicelib.domain.documents import (
    FormStatus,
    RequestStatus,
    Retention,
    request_audience,
    request_visible,
    require_can_upload,
    retention_tags,
)
from chalicelib.domain.entities import Deal, Document, DocumentRequest, Party, UploadForm
from chalicelib.domain.errors import Invalid, NotFound, PayloadTooLarge
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyStatus, Visibility
from chalicelib.services.access import DEAL_ID_PREFIX, deal_header_access
from chalicelib.services.activity import deal_event
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store import objects
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import NewDocumentRequest, NewUpload

FORM_LIFETIME = timedelta(minutes=5)
_UPLOAD_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class UploadState(StrEnum):
    ISSUED = "issued"
    PROCESSING = "processing"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    EXPIRED = "expired"


DEFAULT_MAX_BYTES = 25 * 1024 * 1024
REQUEST_ID_PREFIX = "rq"


def accepted_types(request: DocumentRequest) -> list[str]:
    return list(request.accepted_types) or list(filetypes.DEFAULT_ACCEPTED)


def list_requests(
    caller: Caller, deal_id: str
) -> tuple[list[tuple[DocumentRequest, list[Document]]], DealAccess]:
    """Every request of the deal the caller may see, with its versions: one Query (deal, parties,
    requests and versions share the `W#D` range of the deal partition) after the caller's read."""
    found = doc_store.load_deal_documents(deal_id) if ids.looks_like(DEAL_ID_PREFIX, deal_id) else None
    access = require_access(caller, found.deal if found else None, found.parties if found else [])
    access.require(Action.VIEW_DEAL)
    assert found is not None
    visible = [r for r in found.requests if request_visible(r, access)]
    visible.sort(key=lambda r: (r.due_at is None, r.due_at or r.created_at, r.created_at))
    return [(r, found.versions(r.request_id)) for r in visible], access


def get_request(caller: Caller, deal_id: str, request_id: str) -> tuple[DocumentRequest, list[Document]]:
    """One request the caller may see, with its versions: the same single Query as the list."""
    found = doc_store.load_deal_documents(deal_id) if ids.looks_like(DEAL_ID_PREFIX, deal_id) else None
    access = require_access(caller, found.deal if found else None, found.parties if found else [])
    access.require(Action.VIEW_DEAL)
    assert found is not None
    request = found.request(request_id)
    if request is None or not request_visible(request, access):
        raise NotFound("document request not found")
    return request, found.versions(request_id)


def upload_status(caller: Caller, deal_id: str, upload_id: str) -> tuple[UploadForm, str]:
    """Where one upload is (docs/DOCUMENTS.md, "Following an upload"): `issued` (the form was handed out,
    no file yet), `processing` (S3 holds the file, the ingest has not decided), `accepted` or `refused`
    (the form records the outcome), `expired` (the form's five minutes passed with no file). Only the
    uploader and the deal's staff may ask; anyone else gets a 404."""
    _, _, access = deal_header_access(caller, deal_id)
    form = doc_store.load_form(deal_id, upload_id) if _UPLOAD_ID.fullmatch(upload_id) else None
    if form is None or not (access.is_staff or form.uploaded_by == caller.user_id):
        raise NotFound("upload not found")
    if form.status != FormStatus.ISSUED:
        return form, form.status
    if objects.exists(form.s3_key):
        return form, UploadState.PROCESSING
    if clock.now() > form.form_expires_at:
        return form, UploadState.EXPIRED
    return form, UploadState.ISSUED


def create_request(
    caller: Caller, deal_id: str, command: NewDocumentRequest
) -> tuple[DocumentRequest, DealAccess]:
    deal, parties, access = deal_header_access(caller, deal_id)
    access.require(Action.REQUEST_DOCUMENT)
    request = build_request(deal, parties, command)
    uow = UnitOfWork()
    doc_store.add_request(uow, request)
    deal_store.touch(uow, deal, parties, request.created_at)
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.DOCUMENT_REQUESTED,
            f"{caller.label} requested {request.label}",
            visibility=request.visibility,
            restricted_to=request_audience(request),
            data={
                "request_id": request.request_id,
                "type": request.type,
                "label": request.label,
                "target_user_ids": list(request.target_user_ids),
                "due_at": clock.iso(request.due_at) if request.due_at else None,
            },
            at=request.created_at,
        )
    )
    uow.commit()
    return request, access


def build_request(deal: Deal, parties: list[Party], command: NewDocumentRequest) -> DocumentRequest:
    template = workflows.of_deal(deal)
    base = _from_template(template, command.template_key, deal, parties) if command.template_key else {}
    given = {name: getattr(command, name) for name in command.model_fields_set if name != "template_key"}
    values: dict[str, Any] = {**base, **{k: v for k, v in given.items() if v is not None}}
    if not values.get("type") or not values.get("label"):
        raise Invalid(
            "say what you need: a template_key, or a type and a label", code="type_and_label_required"
        )
    stage = values.get("stage") or deal.stage
    template.stage(stage)  # 422 unknown_stage
    current = {p.user_id for p in parties if p.status is not PartyStatus.REVOKED}
    named = [*values.get("target_user_ids", []), *values.get("restricted_to", [])]
    strangers = sorted(set(named) - current)
    if strangers:
        raise Invalid(
            "targets and restricted_to must be parties of the deal",
            code="not_a_party",
            details={"user_ids": strangers},
        )
    types = list(values.get("accepted_types") or filetypes.DEFAULT_ACCEPTED)
    unsupported = sorted(set(types) - set(filetypes.SUPPORTED))
    if unsupported:
        raise Invalid(
            "some content types cannot be checked and are not accepted",
            code="unsupported_type",
            details={"unsupported": unsupported, "supported": list(filetypes.SUPPORTED)},
        )
    return DocumentRequest(
        deal_id=deal.deal_id,
        request_id=ids.new_id(REQUEST_ID_PREFIX),
        type=values["type"],
        label=values["label"],
        status=RequestStatus.REQUESTED.value,
        visibility=Visibility(values.get("visibility") or Visibility.PARTIES),
        created_at=clock.now(),
        required=bool(values.get("required", True)),
        stage=stage,
        due_at=_utc(values.get("due_at")),
        target_user_ids=sorted(set(values.get("target_user_ids", []))),
        restricted_to=sorted(set(values.get("restricted_to", []))),
        accepted_types=types,
        max_bytes=int(values.get("max_bytes") or DEFAULT_MAX_BYTES),
        template_key=command.template_key,
        due_rule=values.get("due_rule"),
        org_id=deal.org_id,
        workflow=deal.workflow,
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# what a template's document definition decides for a request (docs/DOCUMENTS.md)
TEMPLATE_FIELDS = (
    "type",
    "label",
    "stage",
    "required",
    "target_user_ids",
    "restricted_to",
    "visibility",
    "accepted_types",
    "max_bytes",
    "due_at",
    "due_rule",
)


def _from_template(
    template: workflows.WorkflowTemplate, key: str, deal: Deal, parties: list[Party]
) -> dict[str, Any]:
    """The request the deal would have opened with for this definition (the workflow engine's own rule:
    targets by uploader roles, viewers by viewer roles, due from key dates or stage entry)."""
    definition = template.document(key)  # 422 unknown_document_template
    drafted = plan._request_from(definition, deal, parties, {deal.stage: deal.stage_entered_at}, clock.now())
    return {name: getattr(drafted, name) for name in TEMPLATE_FIELDS}


def issue_upload_form(
    caller: Caller, deal_id: str, request_id: str, command: NewUpload
) -> tuple[dict[str, Any], UploadForm]:
    deal, _, access = deal_header_access(caller, deal_id)
    access.require(Action.UPLOAD_DOCUMENT)
    request = (
        doc_store.load_request(deal_id, request_id) if ids.looks_like(REQUEST_ID_PREFIX, request_id) else None
    )
    if request is None or not request_visible(request, access):
        raise NotFound("document request not found")
    require_can_upload(access, request)
    _check_file(request, command)
    now = clock.now()
    upload_id = str(uuid.uuid4())
    key = objects.UploadKey(deal.org_id, deal.deal_id, request.request_id, upload_id).key
    form = UploadForm(
        deal_id=deal.deal_id,
        upload_id=upload_id,
        request_id=request.request_id,
        org_id=deal.org_id,
        s3_key=key,
        uploaded_by=caller.user_id,
        content_type=declared_type(command),
        max_bytes=request.max_bytes,
        status="issued",
        issued_at=now,
        form_expires_at=now + FORM_LIFETIME,
        file_name=command.file_name,
        uploader_label=caller.label,
        uploader_is_party=not access.is_staff,
    )
    uow = UnitOfWork()
    doc_store.add_form(uow, form, now)
    if request.last_refusal:
        # a newer upload has begun: the earlier refusal stays on its own form and in the log, and no
        # longer stands for the request (its upload_id says which upload it was about)
        cleared = dataclasses.replace(request, last_refusal=None, version=request.version + 1)
        doc_store.change_request(uow, request, cleared)
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.DOCUMENT_UPLOAD_FORM_ISSUED,
            f"{caller.label} started an upload to {request.label}",
            visibility=Visibility.RESTRICTED,
            restricted_to=[caller.user_id],
            data={
                "request_id": request.request_id,
                "upload_id": upload_id,
                "content_type": form.content_type,
            },
            at=now,
        )
    )
    uow.commit()
    post = objects.presigned_post(
        key,
        content_type=form.content_type,
        max_bytes=form.max_bytes,
        file_name=command.file_name,
        upload_id=upload_id,
        tags=retention_tags(deal.org_id, deal.deal_id, Retention.DEAL_OPEN),
        expires_in=int(FORM_LIFETIME.total_seconds()),
    )
    return post, form


def declared_type(command: NewUpload) -> str:
    """The browser's type (aliases already mapped), or, when it sent none, the extension's."""
    found = command.content_type or filetypes.from_file_name(command.file_name)
    if not found:
        raise Invalid(
            "the file's type is unknown: send its content_type, or a name with a known extension",
            code="unknown_file_type",
            details={"extensions": sorted(filetypes.EXTENSIONS)},
        )
    return found


def _check_file(request: DocumentRequest, command: NewUpload) -> None:
    allowed = accepted_types(request)
    if declared_type(command) not in allowed:
        raise Invalid(
            f"{request.label} accepts {', '.join(allowed)}",
            code="type_not_accepted",
            details={"accepted_types": allowed},
        )
    if command.size == 0:
        raise Invalid("the file is empty", code="empty_file")
    if command.size is not None and command.size > request.max_bytes:
        raise PayloadTooLarge(
            f"{request.label} accepts files up to {request.max_bytes} bytes",
            code="file_too_large",
            details={"max_bytes": request.max_bytes},
        )
