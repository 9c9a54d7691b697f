"""The provider's webhook (DocuSign Connect): what a completed, declined or voided envelope changes
(docs/ESIGN.md, "The webhook").

Authenticated by HMAC before anything is read from the table: an invalid signature, or an org without
e-signature, answers the same 401 and writes nothing. Connect delivers at least once and retries until it
gets a 2xx, so every outcome is applied on the condition that the signature is still `out_for_signature`
(its version): a duplicate finds it finished and changes nothing — except finishing the S3 side of a
completed envelope whose signed PDF never reached the bucket.

A completed envelope's PDF is written to an upload key, with an upload form issued to the provider, so the
SAME pipeline as a browser's upload judges it (S3 → SQS → `ingest_uploads`: size, the PDF's magic bytes,
an open request, no duplicate, then a new version and `submitted`; with malware scanning on, downloads
wait for GuardDuty's verdict as for any file).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

from chalicelib import clock, ids
from chalicelib.domain.documents import FormStatus, Retention, retention_tags
from chalicelib.domain.entities import UploadForm
from chalicelib.domain.errors import Unauthenticated, Unavailable
from chalicelib.domain.esign import ConnectEvent, Signature, SignatureStatus, read_connect, signature_valid
from chalicelib.domain.events import EventType
from chalicelib.integrations.esign.provider import ProviderError
from chalicelib.observability import logger, metrics
from chalicelib.services import esign as sending
from chalicelib.services.esign_events import signature_event
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store import esign as esign_store
from chalicelib.store import objects
from chalicelib.store.unit_of_work import UnitOfWork

PDF = "application/pdf"
SIGNED_BY = "system"
SIGNED_LABEL = "DocuSign"
# The signed PDF's form is issued by the server, never handed to a browser: it stays valid across
# Connect's retries, which may come hours later (the ingest refuses a file that lands after its form).
SIGNED_FORM_LIFETIME = timedelta(days=7)
_UPLOAD_NAMESPACE = uuid.UUID("6f1f9e4e-2a55-4c55-9d8e-5a1e0e7c3b10")
# an org without e-signature is checked against this (never matches), so it is refused like a bad signature
_NO_SECRET = "not-a-connect-secret"  # noqa: S105 - a placeholder that matches no real signature


def refused() -> Unauthenticated:
    return Unauthenticated("the notification's signature is not valid", code="invalid_signature")


def receive(org_id: str, body: bytes, signatures: list[str]) -> str:
    """Apply one Connect delivery; returns "applied", "duplicate" or "ignored"."""
    from chalicelib.integrations.esign import settings

    config = settings.for_org(org_id) if ids.looks_like("o", org_id) else None
    secrets = config.connect_hmac_secrets if config else (_NO_SECRET,)
    if not signature_valid(secrets, body, signatures) or config is None:
        metrics.add_metric(name="EsignWebhookRefused", unit="Count", value=1)
        raise refused()
    message = read_connect(body)
    if message is None:
        return "ignored"  # an event Threshold does not act on (sent, delivered...), or not one at all
    ref = esign_store.load_envelope(org_id, message.envelope_id)
    signature = esign_store.load_signature(ref.deal_id, ref.request_id) if ref else None
    if ref is None or signature is None or signature.envelope_id != message.envelope_id:
        logger.info("a notification about an envelope Threshold does not track was ignored")
        return "ignored"
    if signature.status == SignatureStatus.SENDING:
        raise Unavailable("this envelope is still being recorded; retry", code="retry_later")
    if signature.status != SignatureStatus.OUT_FOR_SIGNATURE:
        if message.event == ConnectEvent.COMPLETED and signature.status == SignatureStatus.SIGNED:
            _finish_upload(signature)
        return "duplicate"
    found = _found(signature)
    if message.event == ConnectEvent.COMPLETED:
        _completed(found, signature)
    else:
        status = (
            SignatureStatus.DECLINED if message.event == ConnectEvent.DECLINED else SignatureStatus.VOIDED
        )
        sending.record_finish(found, signature, status, message.reason, actor=None)
    metrics.add_metric(name="EnvelopesFinished", unit="Count", value=1)
    return "applied"


def _found(signature: Signature) -> sending.Found:
    documents = doc_store.load_deal_documents(signature.deal_id)
    request = documents.request(signature.request_id) if documents else None
    if documents is None or request is None:
        raise Unavailable("the deal of this envelope could not be read; retry", code="retry_later")
    return sending.Found(documents.deal, documents.parties, request, documents.versions(request.request_id))


def upload_id_for(envelope_id: str) -> str:
    """The same upload for every delivery of one envelope's completion."""
    return str(uuid.uuid5(_UPLOAD_NAMESPACE, envelope_id))


def _completed(found: sending.Found, signature: Signature) -> None:
    """Fetch the signed PDF first (if the provider fails, nothing is written and Connect retries), then
    record `signed` with the upload form in one transaction, then hand the file to the upload pipeline."""
    assert signature.envelope_id is not None
    pdf = _download(signature)
    now = clock.now()
    upload_id = upload_id_for(signature.envelope_id)
    key = objects.UploadKey(found.deal.org_id, found.deal.deal_id, found.request.request_id, upload_id).key
    form = UploadForm(
        deal_id=found.deal.deal_id,
        upload_id=upload_id,
        request_id=found.request.request_id,
        org_id=found.deal.org_id,
        s3_key=key,
        uploaded_by=SIGNED_BY,
        content_type=PDF,
        max_bytes=found.request.max_bytes,
        status=FormStatus.ISSUED.value,
        issued_at=now,
        form_expires_at=now + SIGNED_FORM_LIFETIME,
        file_name=_file_name(found.request.label),
        uploader_label=SIGNED_LABEL,
        uploader_is_party=False,
    )
    signed = dataclasses.replace(
        signature,
        status=SignatureStatus.SIGNED.value,
        finished_at=now,
        signed_upload_id=upload_id,
        version=signature.version + 1,
    )
    uow = UnitOfWork()
    esign_store.change(uow, signature, signed)
    doc_store.add_form(uow, form, now)
    deal_store.touch(uow, found.deal, found.parties, now)
    uow.record(signature_event(found.deal, found.request, None, EventType.DOCUMENT_SIGNED, signed, now))
    uow.commit()
    _put(form, pdf, found.deal.org_id)


def _finish_upload(signature: Signature) -> None:
    """A repeated completion: if the signed PDF never reached the bucket (the first delivery failed after
    recording it), fetch and write it now; otherwise nothing."""
    if signature.signed_upload_id is None or signature.envelope_id is None:
        return
    form = doc_store.load_form(signature.deal_id, signature.signed_upload_id)
    if form is None or form.status != FormStatus.ISSUED or objects.exists(form.s3_key):
        return
    _put(form, _download(signature), signature.org_id)


def _download(signature: Signature) -> bytes:
    assert signature.envelope_id is not None
    try:
        return sending.provider_for(signature.org_id).signed_document(signature.envelope_id)
    except ProviderError:
        raise Unavailable("the signed document could not be fetched; retry", code="retry_later") from None


def _put(form: UploadForm, pdf: bytes, org_id: str) -> None:
    objects.put_upload(
        form.s3_key,
        pdf,
        content_type=PDF,
        file_name=form.file_name or "signed.pdf",
        upload_id=form.upload_id,
        tags=retention_tags(org_id, form.deal_id, Retention.DEAL_OPEN),
    )


def _file_name(label: str) -> str:
    safe = "".join(c for c in label if c.isalnum() or c in " -_").strip() or "Document"
    return f"{safe} (signed).pdf"
