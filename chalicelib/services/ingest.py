"""The upload ingest: what happens when a file lands in the documents bucket.

S3 accepted the file against a presigned POST policy, but nothing here trusts that (moto does not enforce
policies at all, and S3 events can be late or duplicated). Every file is checked again: its key belongs to
a request of a real deal and to an upload form that was issued and not used yet; the request is still
open; the size is within bounds; the first bytes prove the declared type, which the request accepts; it
is not an exact copy of a version already there. Then it becomes a new version (never an overwrite), or
it is moved to `quarantine/` and the uploader reads why on the request.

Idempotency: the form is closed (accepted or refused) in the same transaction as the outcome, so the same
event delivered twice finds a closed form and only finishes the S3 side of the first outcome.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import clock, ids
from chalicelib.domain import filetypes
from chalicelib.domain.documents import (
    DocumentStatus,
    FormStatus,
    Refusal,
    RequestStatus,
    Retention,
    is_open,
    refusal_view,
    request_audience,
    retention_tags,
)
from chalicelib.domain.entities import (
    SYSTEM,
    ActivityEvent,
    Actor,
    Deal,
    Document,
    DocumentRequest,
    UploadForm,
)
from chalicelib.domain.errors import Conflict
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyStatus, Visibility
from chalicelib.observability import logger, metrics
from chalicelib.services.activity import deal_event
from chalicelib.services.document_requests import accepted_types
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store import objects
from chalicelib.store import reports as report_store
from chalicelib.store.unit_of_work import UnitOfWork

# S3 stamps an event with the time it accepted the file; a POST after its policy expired is refused by
# S3 itself, so a later stamp only happens where policies are not enforced (moto), or with clock skew.
EXPIRY_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class Outcome:
    result: str  # "accepted" | "refused" | "replayed" | "gone"
    document_id: str | None = None
    refusal: Refusal | None = None


def ingest_upload(key: str, *, event_time: datetime | None = None) -> Outcome:
    parsed = objects.parse_upload_key(key)
    found = doc_store.load_deal_documents(parsed.deal_id) if parsed else None
    if parsed is None or found is None or found.deal.org_id != parsed.org_id:
        return _refuse_stray(key, None)
    request = found.request(parsed.request_id)
    if request is None:
        return _refuse_stray(key, found.deal, event_time)
    form = doc_store.load_form(parsed.deal_id, parsed.upload_id)
    if form is not None and form.status != FormStatus.ISSUED:
        return _replay(form)
    if form is None or form.request_id != request.request_id:
        return _refuse_without_form(found.deal, request, key, event_time)
    refusal, stored = _check(found, request, form, event_time)
    if stored is None and refusal is None:
        logger.warning("an uploaded file vanished before ingest", extra={"upload_id": form.upload_id})
        return Outcome("gone")
    if refusal is not None:
        return _refuse(found.deal, request, form, refusal)
    assert stored is not None
    return _accept(found, request, form, stored)


def _check(
    found: doc_store.DealDocuments, request: DocumentRequest, form: UploadForm, event_time: datetime | None
) -> tuple[Refusal | None, objects.StoredObject | None]:
    if not is_open(request):
        return Refusal.REQUEST_CLOSED, None
    if form.uploader_is_party and not any(
        p.user_id == form.uploaded_by and p.status is PartyStatus.ACTIVE for p in found.parties
    ):
        return Refusal.UPLOADER_REMOVED, None  # revoked between the form and the file
    if event_time is not None and event_time > form.form_expires_at + EXPIRY_GRACE:
        return Refusal.FORM_EXPIRED, None
    try:
        stored = objects.read(form.s3_key, min(form.max_bytes, request.max_bytes))
    except objects.TooLarge:
        return Refusal.TOO_LARGE, None
    if stored is None:
        return None, None
    if stored.size == 0:
        return Refusal.EMPTY, stored
    if form.content_type not in accepted_types(request):
        return Refusal.TYPE_NOT_ACCEPTED, stored
    declared_elsewhere = stored.content_type not in (None, form.content_type)
    if declared_elsewhere or not filetypes.matches(form.content_type, stored.head):
        return Refusal.WRONG_TYPE, stored
    if any(v.sha256 == stored.sha256 for v in found.versions(request.request_id)):
        return Refusal.DUPLICATE, stored
    return None, stored


def _accept(
    found: doc_store.DealDocuments, request: DocumentRequest, form: UploadForm, stored: objects.StoredObject
) -> Outcome:
    now = clock.now()
    versions = found.versions(request.request_id)
    doc = Document(
        deal_id=found.deal.deal_id,
        request_id=request.request_id,
        document_id=ids.new_id("dc"),
        version=max((v.version for v in versions), default=0) + 1,
        status=DocumentStatus.SUBMITTED.value,
        sha256=stored.sha256,
        size=stored.size,
        content_type=form.content_type,
        uploaded_by=form.uploaded_by,
        uploaded_at=now,
        s3_key=form.s3_key,
        s3_version_id=stored.version_id,
        file_name=form.file_name,
        org_id=found.deal.org_id,
        label=request.label,
        type=request.type,
        visibility=request.visibility,
        restricted_to=request_audience(request),
        upload_id=form.upload_id,
    )
    uow = UnitOfWork()
    doc_store.add_document(uow, doc)
    for earlier in versions:
        if earlier.status == DocumentStatus.SUBMITTED:  # replaced before anyone reviewed it
            doc_store.change_document(
                uow, earlier, dataclasses.replace(earlier, status=DocumentStatus.SUPERSEDED)
            )
    submitted = dataclasses.replace(
        request,
        status=RequestStatus.SUBMITTED.value,
        rejection=None,
        last_refusal=None,
        version=request.version + 1,
    )
    doc_store.change_request(uow, request, submitted)
    doc_store.close_form(
        uow, form, dataclasses.replace(form, status=FormStatus.ACCEPTED, document_id=doc.document_id)
    )
    deal_store.touch(uow, found.deal, found.parties, now)
    uploader = next((p for p in found.parties if p.user_id == form.uploaded_by), None)
    if uploader is not None:
        report_store.note_first_upload(uow, uploader, now)  # the activation funnel's "first upload"
    uow.record(
        deal_event(
            found.deal,
            _uploader(form),
            EventType.DOCUMENT_SUBMITTED,
            f"{_uploader(form).label} uploaded {request.label} (version {doc.version})",
            visibility=request.visibility,
            restricted_to=[*request_audience(request), form.uploaded_by],
            data={
                "request_id": request.request_id,
                "document_id": doc.document_id,
                "version": doc.version,
                "label": request.label,
                "file_name": form.file_name,
            },
            at=now,
        )
    )
    uow.commit()
    metrics.add_metric(name="DocumentsSubmitted", unit="Count", value=1)
    _tag_accepted(form)
    return Outcome("accepted", document_id=doc.document_id)


def _tag_accepted(form: UploadForm) -> None:
    """The form asked S3 to tag the object on upload; where that did not happen (moto ignores it, or a
    form was bypassed) the tags are merged in now."""
    try:
        objects.ensure_tags(form.s3_key, retention_tags(form.org_id, form.deal_id, Retention.DEAL_OPEN))
    except objects.MissingObject:
        logger.warning("an accepted file is missing", extra={"upload_id": form.upload_id})


def _refuse(deal: Deal, request: DocumentRequest, form: UploadForm, refusal: Refusal) -> Outcome:
    """Record the refusal where the uploader sees it (the request, the form, the activity log), then
    move the file to quarantine. A redelivered event finds the form refused and only re-tries the move."""
    now = clock.now()
    shown = refusal_view(
        refusal,
        file_name=form.file_name,
        at=clock.iso(now),
        uploaded_by=form.uploaded_by,
        upload_id=form.upload_id,
    )
    uow = UnitOfWork()
    doc_store.close_form(uow, form, dataclasses.replace(form, status=FormStatus.REFUSED, refusal=shown))
    doc_store.change_request(
        uow, request, dataclasses.replace(request, last_refusal=shown, version=request.version + 1)
    )
    uow.record(_refusal_event(deal, request, refusal, shown, uploader=form.uploaded_by, at=now))
    uow.commit()
    objects.quarantine(form.s3_key, refusal.value)
    metrics.add_metric(name="UploadsRefused", unit="Count", value=1)
    return Outcome("refused", refusal=refusal)


def _refuse_without_form(
    deal: Deal, request: DocumentRequest, key: str, event_time: datetime | None
) -> Outcome:
    """No issued form names this key, so nobody can be named as the uploader. The refusal is recorded
    first, then the file moves: a failure in between leaves the file in place for the redelivered event,
    never a quarantined file with no refusal on record. The event's key is derived from the object key
    and S3's event time, so a duplicated event cannot record it twice (its write fails: a replay)."""
    at = event_time or clock.now()
    shown = refusal_view(Refusal.FORM_NOT_ISSUED, file_name=None, at=clock.iso(at), uploaded_by=None)
    uow = UnitOfWork()
    doc_store.change_request(
        uow, request, dataclasses.replace(request, last_refusal=shown, version=request.version + 1)
    )
    uow.record(
        _once(_refusal_event(deal, request, Refusal.FORM_NOT_ISSUED, shown, uploader=None, at=at), key)
    )
    if not _commit_once(uow):
        objects.quarantine(key, Refusal.FORM_NOT_ISSUED.value)
        return Outcome("replayed", refusal=Refusal.FORM_NOT_ISSUED)
    objects.quarantine(key, Refusal.FORM_NOT_ISSUED.value)
    metrics.add_metric(name="UploadsRefused", unit="Count", value=1)
    return Outcome("refused", refusal=Refusal.FORM_NOT_ISSUED)


def _refuse_stray(key: str, deal: Deal | None, event_time: datetime | None = None) -> Outcome:
    """A file outside any request of any deal: recorded in the deal's internal log when the key names a
    real deal (first, as above), then quarantined and logged."""
    target = objects.QUARANTINE_PREFIX + key
    if deal is not None:
        uow = UnitOfWork()
        uow.record(
            _once(
                deal_event(
                    deal,
                    SYSTEM,
                    EventType.DOCUMENT_UPLOAD_REFUSED,
                    "A file uploaded outside any request was quarantined",
                    visibility=Visibility.INTERNAL,
                    data={
                        "request_id": None,
                        "reason": Refusal.NOT_A_REQUEST.value,
                        "quarantine_key": target,
                    },
                    at=event_time or clock.now(),
                ),
                key,
            )
        )
        if not _commit_once(uow):
            objects.quarantine(key, Refusal.NOT_A_REQUEST.value)
            return Outcome("replayed", refusal=Refusal.NOT_A_REQUEST)
    moved = objects.quarantine(key, Refusal.NOT_A_REQUEST.value)
    if moved is None:
        return Outcome("replayed", refusal=Refusal.NOT_A_REQUEST)
    logger.warning("a file outside any request was quarantined", extra={"quarantine_key": moved})
    metrics.add_metric(name="UploadsRefused", unit="Count", value=1)
    return Outcome("refused", refusal=Refusal.NOT_A_REQUEST)


def _once(event: ActivityEvent, key: str) -> ActivityEvent:
    """The refusal event of one S3 object (and one S3 event time): the same id on every delivery."""
    digest = hashlib.sha256(key.encode()).digest()[:16]
    event.event_id = "ev_" + base64.b32encode(digest).decode("ascii").rstrip("=").lower()
    return event


def _commit_once(uow: UnitOfWork) -> bool:
    """Commit; False when the event is already written (a duplicated delivery)."""
    try:
        uow.commit()
    except Conflict as exc:
        if exc.code == "already_exists":
            return False
        raise
    return True


def _refusal_event(
    deal: Deal,
    request: DocumentRequest,
    refusal: Refusal,
    shown: dict[str, str],
    *,
    uploader: str | None,
    at: datetime,
) -> ActivityEvent:
    return deal_event(
        deal,
        SYSTEM,
        EventType.DOCUMENT_UPLOAD_REFUSED,
        f"An upload to {request.label} was refused: {shown['message']}",
        visibility=Visibility.RESTRICTED if uploader else Visibility.INTERNAL,
        restricted_to=[uploader] if uploader else [],
        data={
            "request_id": request.request_id,
            "reason": refusal.value,
            "message": shown["message"],
            "file_name": shown.get("file_name"),
        },
        at=at,
    )


def _replay(form: UploadForm) -> Outcome:
    """The form was already used: this is a duplicated (or late) event. Finish the S3 side only."""
    if form.status == FormStatus.ACCEPTED:
        _tag_accepted(form)
        return Outcome("replayed", document_id=form.document_id)
    reason = (form.refusal or {}).get("code", "refused")
    objects.quarantine(form.s3_key, reason)
    return Outcome("replayed", refusal=Refusal(reason) if reason in Refusal._value2member_map_ else None)


def _uploader(form: UploadForm) -> Actor:
    return Actor(form.uploaded_by, form.uploader_label or "An uploader")
