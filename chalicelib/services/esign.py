"""Sending a document request's current version for e-signature, reading where it stands, voiding it
(docs/ESIGN.md). The provider's webhook is services/esign_connect.py.

A send is two transactions around one provider call, so a retry never creates a second envelope:
1. the intent (`sending`, with a fresh attempt id) is recorded, on the condition that no other send holds
   the request — of two sends at once, one wins;
2. the envelope is created, carrying the attempt id;
3. `out_for_signature` is recorded with the envelope id, and the envelope → request lookup the webhook
   reads.
A send that died between 1 and 3 leaves `sending`: after `RESUME_AFTER` (beyond the function's timeout)
the next send resumes the same attempt — it first asks the provider for an envelope carrying the attempt
id and creates one only if there is none. A provider that refused outright (nothing was created) leaves
the request free to be sent again.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from chalicelib import clock, ids
from chalicelib.domain import workflows
from chalicelib.domain.access import Action, Caller, DealAccess, require_access
from chalicelib.domain.documents import DocumentStatus, is_open, request_visible
from chalicelib.domain.entities import Deal, Document, DocumentRequest, Party
from chalicelib.domain.errors import Conflict, NotFound, Unavailable
from chalicelib.domain.esign import (
    PROVIDER_DOCUSIGN,
    EnvelopeRef,
    Signature,
    SignatureStatus,
    may_see,
    may_send,
    signers_for,
)
from chalicelib.domain.events import EventType
from chalicelib.integrations.esign.provider import EnvelopeRequest, EsignProvider, ProviderError, Signer
from chalicelib.observability import logger, metrics
from chalicelib.services.document_requests import accepted_types
from chalicelib.services.esign_events import signature_event
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store import esign as esign_store
from chalicelib.store import objects
from chalicelib.store.unit_of_work import UnitOfWork

PDF = "application/pdf"
RESUME_AFTER = timedelta(seconds=30)  # the API function times out at 10 s: a `sending` this old is dead
VOID_REASON_MAX = 200  # DocuSign's voidedReason


@dataclasses.dataclass
class Found:
    deal: Deal
    parties: list[Party]
    request: DocumentRequest
    versions: list[Document]
    access: DealAccess | None = None  # None for the provider's webhook (no caller)

    def caller_access(self) -> DealAccess:
        assert self.access is not None
        return self.access


def _load(caller: Caller, deal_id: str, request_id: str) -> Found:
    """Deal, parties, requests and versions: one Query (the `W#D` range), then the caller's standing."""
    found = doc_store.load_deal_documents(deal_id) if ids.looks_like("dl", deal_id) else None
    access = require_access(caller, found.deal if found else None, found.parties if found else [])
    assert found is not None
    request = found.request(request_id)
    if request is None or not request_visible(request, access):
        raise NotFound("document request not found")
    return Found(found.deal, found.parties, request, found.versions(request_id), access)


def provider_for(org_id: str) -> EsignProvider:
    from chalicelib.integrations.esign import settings
    from chalicelib.integrations.esign.docusign import DocuSign

    config = settings.for_org(org_id)
    if config is None:
        raise Conflict(
            "e-signature is not set up for this organization (docs/ESIGN.md, Configuration)",
            code="esign_not_configured",
        )
    return DocuSign(config)


def get_signature(caller: Caller, deal_id: str, request_id: str) -> tuple[Signature, DealAccess]:
    found = _load(caller, deal_id, request_id)
    signature = esign_store.load_signature(deal_id, request_id)
    if signature is None:
        raise NotFound("this document request was never sent for signature", code="no_signature")
    return signature, found.caller_access()


def send_for_signature(caller: Caller, deal_id: str, request_id: str) -> Signature:
    found = _load(caller, deal_id, request_id)
    found.caller_access().require(Action.REQUEST_DOCUMENT)  # the deal team (docs/ESIGN.md, "Routes")
    current = esign_store.load_signature(deal_id, request_id)
    now = clock.now()
    if current is not None and current.status == SignatureStatus.SENDING:
        if now - current.requested_at < RESUME_AFTER:
            raise Conflict("this document is being sent for signature already", code="signature_in_progress")
        return _resume(found, current, caller, now)
    may_send(current)
    document = _sendable(found)
    provider = provider_for(found.deal.org_id)
    template = workflows.pinned(found.deal.workflow, found.deal.template_version)
    definition = next((d for d in template.documents if d.key == found.request.template_key), None)
    chosen = signers_for(definition.signers if definition else (), found.parties)
    may_see(found.request, chosen)
    intent = Signature(
        deal_id=deal_id,
        request_id=request_id,
        org_id=found.deal.org_id,
        attempt_id=ids.new_id("sg"),
        status=SignatureStatus.SENDING.value,
        provider=PROVIDER_DOCUSIGN,
        document_id=document.document_id,
        signers=[
            {
                "user_id": p.user_id,
                # never the email (the record is shown to whoever sees the request): the role, for no name
                "name": p.name or p.role.value.replace("_", " ").capitalize(),
                "role": p.role.value,
                "order": order,
            }
            for p, order in chosen
        ],
        requested_by=caller.user_id,
        requested_at=now,
        version=current.version + 1 if current else 1,
    )
    uow = UnitOfWork()
    esign_store.start(uow, current, intent)
    uow.record(
        signature_event(found.deal, found.request, caller, EventType.DOCUMENT_SIGNATURE_STARTED, intent, now)
    )
    uow.commit()
    return _create_and_record(found, intent, document, provider, caller)


def _sendable(found: Found) -> Document:
    """The request's current version, a PDF, on a request that will take the signed copy back."""
    if not is_open(found.request):
        raise Conflict("this request is closed: it takes no signed copy", code="request_closed")
    if PDF not in accepted_types(found.request):
        raise Conflict(
            "this request does not take PDFs, so it cannot take the signed copy", code="pdf_not_accepted"
        )
    live = [v for v in found.versions if v.status in (DocumentStatus.SUBMITTED, DocumentStatus.APPROVED)]
    if not live:
        raise Conflict("there is no document on this request to sign yet", code="no_document")
    document = live[-1]
    if document.content_type != PDF:
        raise Conflict("only a PDF can be sent for signature", code="not_a_pdf")
    return document


def _resume(found: Found, current: Signature, caller: Caller, now: datetime) -> Signature:
    """Finish a send that died after recording its intent: claim it (one resumer wins), then find or
    create its envelope."""
    document = next((v for v in found.versions if v.document_id == current.document_id), None)
    if document is None:
        raise Conflict("the version that was being sent is gone", code="no_document")
    provider = provider_for(found.deal.org_id)
    claimed = dataclasses.replace(current, requested_at=now, version=current.version + 1)
    uow = UnitOfWork()
    esign_store.change(uow, current, claimed)
    uow.record(
        signature_event(found.deal, found.request, caller, EventType.DOCUMENT_SIGNATURE_STARTED, claimed, now)
    )
    uow.commit()
    return _create_and_record(found, claimed, document, provider, caller, resumed=True)


def _create_and_record(
    found: Found,
    intent: Signature,
    document: Document,
    provider: EsignProvider,
    caller: Caller,
    *,
    resumed: bool = False,
) -> Signature:
    people = {p.user_id: p for p in found.parties}
    request = EnvelopeRequest(
        attempt_id=intent.attempt_id,
        subject=f"Please sign: {found.request.label}",
        document_name=f"{found.request.label}.pdf",
        document=objects.read_bytes(
            document.s3_key, version_id=document.s3_version_id, max_bytes=document.size
        ),
        signers=tuple(
            Signer(
                name=s["name"], email=people[s["user_id"]].email, order=int(s["order"]), recipient_id=str(i)
            )
            for i, s in enumerate(intent.signers, start=1)
        ),
    )
    try:
        # a fresh attempt id cannot be on any envelope yet; a resumed one may (its first try got that far)
        earlier = provider.find_envelope(intent.attempt_id) if resumed else None
        envelope_id = earlier or provider.create_envelope(request)
    except ProviderError as exc:
        logger.warning("the e-signature provider did not take a send", extra={"reason": str(exc)})
        if exc.refused:
            _record_failure(found, intent, caller, str(exc))
        raise Unavailable(
            "the e-signature provider did not take the envelope; retry", code="esign_unavailable"
        ) from None
    now = clock.now()
    sent = dataclasses.replace(
        intent,
        status=SignatureStatus.OUT_FOR_SIGNATURE.value,
        envelope_id=envelope_id,
        sent_at=now,
        version=intent.version + 1,
    )
    uow = UnitOfWork()
    esign_store.change(uow, intent, sent)
    esign_store.add_envelope(
        uow, EnvelopeRef(found.deal.org_id, envelope_id, found.deal.deal_id, found.request.request_id, now)
    )
    deal_store.touch(uow, found.deal, found.parties, now)
    uow.record(
        signature_event(found.deal, found.request, caller, EventType.DOCUMENT_SENT_FOR_SIGNATURE, sent, now)
    )
    uow.commit()
    metrics.add_metric(name="EnvelopesSent", unit="Count", value=1)
    return sent


def _record_failure(found: Found, intent: Signature, caller: Caller, reason: str) -> None:
    """The provider refused the envelope outright (nothing was created): the request is free to be sent
    again at once. Without an answer (a timeout may still have created it) the attempt stays `sending`
    and the next send resumes it."""
    now = clock.now()
    failed = dataclasses.replace(
        intent,
        status=SignatureStatus.FAILED.value,
        reason=f"the provider refused the envelope: {reason}",
        finished_at=now,
        version=intent.version + 1,
    )
    uow = UnitOfWork()
    esign_store.change(uow, intent, failed)
    uow.record(
        signature_event(found.deal, found.request, caller, EventType.DOCUMENT_SIGNATURE_FAILED, failed, now)
    )
    uow.commit()


def void_signature(caller: Caller, deal_id: str, request_id: str, reason: str) -> Signature:
    """Staff withdraw an envelope that is out for signature. The provider voids it; its webhook's
    `envelope-voided` then finds the signature already voided and changes nothing."""
    found = _load(caller, deal_id, request_id)
    found.caller_access().require(Action.REQUEST_DOCUMENT)
    current = esign_store.load_signature(deal_id, request_id)
    if current is None or current.status != SignatureStatus.OUT_FOR_SIGNATURE or current.envelope_id is None:
        raise Conflict("nothing is out for signature on this request", code="not_out_for_signature")
    provider = provider_for(found.deal.org_id)
    try:
        provider.void(current.envelope_id, reason[:VOID_REASON_MAX])
    except ProviderError:
        raise Unavailable(
            "the e-signature provider did not void the envelope; retry", code="esign_unavailable"
        ) from None
    return record_finish(found, current, SignatureStatus.VOIDED, reason, actor=caller)


def record_finish(
    found: Found, current: Signature, status: SignatureStatus, reason: str | None, *, actor: Caller | None
) -> Signature:
    """Declined or voided: recorded once (the version condition), the coordinator told (the event)."""
    now = clock.now()
    done = dataclasses.replace(
        current, status=status.value, reason=reason, finished_at=now, version=current.version + 1
    )
    uow = UnitOfWork()
    esign_store.change(uow, current, done)
    deal_store.touch(uow, found.deal, found.parties, now)
    kind = (
        EventType.DOCUMENT_SIGNATURE_DECLINED
        if status == SignatureStatus.DECLINED
        else EventType.DOCUMENT_SIGNATURE_VOIDED
    )
    uow.record(signature_event(found.deal, found.request, actor, kind, done, now))
    uow.commit()
    return done
