"""Document versions: review (approve / reject), audited downloads, the org's review queue, and archiving
a closed deal's files."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.config import settings
from chalicelib.domain.access import Action, Caller, require_ops
from chalicelib.domain.documents import (
    DocumentStatus,
    RequestStatus,
    Retention,
    ReviewDecision,
    content_disposition,
    document_visible,
    retention_tags,
)
from chalicelib.domain.entities import Actor, Deal, Document, DocumentRequest
from chalicelib.domain.errors import Conflict, Forbidden, Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.observability import logger, metrics
from chalicelib.services.access import deal_header_access
from chalicelib.services.activity import deal_event
from chalicelib.store import cursors, objects
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import Review

DOWNLOAD_LIFETIME = timedelta(minutes=5)
DOCUMENT_ID_PREFIX = "dc"


@dataclasses.dataclass(frozen=True)
class Download:
    url: str
    expires_at: datetime
    document: Document


def _document(deal_id: str, document_id: str) -> Document:
    doc = (
        doc_store.load_document(deal_id, document_id)
        if ids.looks_like(DOCUMENT_ID_PREFIX, document_id)
        else None
    )
    if doc is None:
        raise NotFound("document not found")
    return doc


def review_document(
    caller: Caller, deal_id: str, document_id: str, command: Review
) -> tuple[Document, DocumentRequest]:
    deal, parties, access = deal_header_access(caller, deal_id)
    access.require(Action.REVIEW_DOCUMENT)
    doc = _document(deal_id, document_id)
    approve = command.decision is ReviewDecision.APPROVE
    if not approve and (command.reason_code is None or command.reason is None):
        raise Invalid(
            "a rejection needs a reason_code and a reason the uploader can act on", code="reason_required"
        )
    if doc.status != DocumentStatus.SUBMITTED:
        raise Conflict(f"this version is {doc.status}, not awaiting review", code="not_awaiting_review")
    request = doc_store.load_request(deal_id, doc.request_id)
    if request is None or request.status != RequestStatus.SUBMITTED:
        raise Conflict("this document's request is no longer awaiting review", code="request_closed")
    now = clock.now()
    review: dict[str, Any] = {"decision": command.decision.value, "by": caller.user_id, "at": clock.iso(now)}
    if command.reason_code is not None:
        review["reason_code"] = command.reason_code.value
    if command.reason is not None:
        review["reason"] = command.reason
    reviewed = dataclasses.replace(
        doc, status=DocumentStatus.APPROVED if approve else DocumentStatus.REJECTED, review=review
    )
    answered = dataclasses.replace(
        request,
        status=RequestStatus.APPROVED if approve else RequestStatus.REJECTED,
        rejection=None if approve else {"document_id": doc.document_id, "version": doc.version, **review},
        version=request.version + 1,
    )
    uow = UnitOfWork()
    doc_store.change_document(uow, doc, reviewed)
    doc_store.change_request(uow, request, answered)
    deal_store.touch(uow, deal, parties, now)
    data: dict[str, Any] = {
        "request_id": request.request_id,
        "document_id": doc.document_id,
        "version": doc.version,
        "label": request.label,
    }
    if not approve:
        data.update(reason_code=review["reason_code"], reason=review["reason"])
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.DOCUMENT_APPROVED if approve else EventType.DOCUMENT_REJECTED,
            f"{caller.label} {'approved' if approve else 'sent back'} {request.label} (v{doc.version})",
            visibility=doc.visibility,
            restricted_to=[*doc.restricted_to, doc.uploaded_by],
            data=data,
            at=now,
        )
    )
    uow.commit()
    metrics.add_metric(name="DocumentsApproved" if approve else "DocumentsRejected", unit="Count", value=1)
    return reviewed, answered


def download(caller: Caller, deal_id: str, document_id: str) -> Download:
    """A presigned GET of at most 5 minutes, handed out only after the view is in the activity log."""
    deal, _, access = deal_header_access(caller, deal_id)
    access.require(Action.DOWNLOAD_DOCUMENT)
    doc = _document(deal_id, document_id)
    if not document_visible(doc, access):
        raise NotFound("document not found")
    if settings().malware_scanning:
        _require_clean(doc)
    now = clock.now()
    uow = UnitOfWork()
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.DOCUMENT_DOWNLOADED,
            f"{caller.label} viewed {doc.label or 'a document'} (version {doc.version})",
            visibility=Visibility.INTERNAL,
            data={"request_id": doc.request_id, "document_id": doc.document_id, "version": doc.version},
            at=now,
        )
    )
    uow.commit()
    url = objects.presigned_get(
        doc.s3_key,
        version_id=doc.s3_version_id,
        content_type=doc.content_type,
        disposition=content_disposition(doc.file_name or f"{doc.type or 'document'}-v{doc.version}"),
        expires_in=int(DOWNLOAD_LIFETIME.total_seconds()),
    )
    return Download(url, now + DOWNLOAD_LIFETIME, doc)


def _require_clean(doc: Document) -> None:
    verdict = objects.scan_status(doc.s3_key)
    if verdict == objects.SCAN_CLEAN:
        return
    if verdict is None:
        raise Conflict("this file is still being scanned for malware; try again shortly", code="scan_pending")
    raise Conflict(
        "this file did not pass the malware scan and cannot be downloaded",
        code="scan_failed",
        details={"scan_status": verdict},
    )


def review_queue(
    caller: Caller, *, org_id: str | None, limit: int, cursor: str | None
) -> tuple[list[Document], str | None]:
    """The org's versions awaiting review, oldest first: one Query per page after the caller's read."""
    org = _ops_org(caller, org_id)
    scope = f"review-queue:{org}:{caller.user_id}"
    docs, last_key = doc_store.review_queue_page(org, limit=limit, start=cursors.decode(scope, cursor))
    return docs, cursors.encode(scope, last_key)


def _ops_org(caller: Caller, org_id: str | None) -> str:
    if org_id is not None:
        require_ops(caller, org_id)
        return org_id
    ops = caller.ops_orgs()
    if len(ops) == 1:
        return ops[0]
    if len(ops) > 1:
        raise Invalid("you run several organizations: say which with org_id", code="org_id_required")
    if caller.staff:
        raise Forbidden("the admin panel is for admins and coordinators")
    raise NotFound("organization not found")


ARCHIVE_CHUNK = 90  # versions withdrawn per transaction (with its event), under DynamoDB's 100 items


def archive_plan(deal: Deal) -> list[dict[str, str]]:
    """What archiving the deal would still change: files not yet in the closed-deal retention class, and
    versions still awaiting review (the archive runbook's dry run)."""
    wanted = retention_tags(deal.org_id, deal.deal_id, Retention.DEAL_CLOSED)
    steps = []
    for doc in doc_store.deal_documents(deal.deal_id):
        with objects.translated():
            try:
                current = objects.tags(doc.s3_key)
            except objects.MissingObject:
                continue
        if any(current.get(k) != v for k, v in wanted.items()):
            steps.append({"action": "tag the file deal-closed", "document_id": doc.document_id})
        if doc.status == DocumentStatus.SUBMITTED:
            steps.append({"action": "withdraw from the review queue", "document_id": doc.document_id})
    return steps


def archive_deal_documents(deal: Deal, actor: Actor) -> int:
    """Archive a closed deal's documents: every file is tagged with the `deal-closed` retention class, and
    versions still awaiting review leave the review queue as `withdrawn` (their requests were cancelled).

    Called by the stage transition after its transaction commits (object tags are not part of a
    DynamoDB transaction). Idempotent: files already tagged and versions already withdrawn are left
    alone, so a retry (or a runbook re-run) after a partial failure finishes the job, and nothing is
    recorded when nothing changed. Returns how many files it tagged now."""
    docs = doc_store.deal_documents(deal.deal_id)
    tagged = 0
    wanted = retention_tags(deal.org_id, deal.deal_id, Retention.DEAL_CLOSED)
    for doc in docs:
        with objects.translated():
            try:
                tagged += int(objects.ensure_tags(doc.s3_key, wanted))
            except objects.MissingObject:
                logger.warning("a document's file is missing", extra={"document_id": doc.document_id})
    waiting = [d for d in docs if d.status == DocumentStatus.SUBMITTED]
    chunks = [waiting[i : i + ARCHIVE_CHUNK] for i in range(0, len(waiting), ARCHIVE_CHUNK)]
    if tagged and not chunks:
        chunks = [[]]  # files were tagged: record that much
    for n, chunk in enumerate(chunks):
        uow = UnitOfWork()
        for doc in chunk:
            doc_store.change_document(uow, doc, dataclasses.replace(doc, status=DocumentStatus.WITHDRAWN))
        uow.record(
            deal_event(
                deal,
                actor,
                EventType.DOCUMENTS_ARCHIVED,
                f"{deal.title}: {tagged} files archived, {len(chunk)} withdrawn from review",
                visibility=Visibility.INTERNAL,
                data={
                    "retention": Retention.DEAL_CLOSED.value,
                    "count": tagged if n == 0 else 0,
                    "withdrawn": [d.document_id for d in chunk],
                },
            )
        )
        uow.commit()
    return tagged
