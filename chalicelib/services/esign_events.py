"""The activity events of e-signature (docs/ESIGN.md; their `data` in domain/events.py): who did it, what
it says in the log, and who sees it."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.access import Caller
from chalicelib.domain.entities import ActivityEvent, Actor, Deal, DocumentRequest
from chalicelib.domain.esign import Signature
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.services.activity import deal_event

PROVIDER_ACTOR = Actor("system", "DocuSign")
SUMMARIES = {
    EventType.DOCUMENT_SIGNATURE_STARTED: "{actor} began sending {label} for signature",
    EventType.DOCUMENT_SENT_FOR_SIGNATURE: "{actor} sent {label} for signature",
    EventType.DOCUMENT_SIGNATURE_FAILED: "The e-signature provider refused the envelope for {label}",
    EventType.DOCUMENT_SIGNED: "Everyone signed {label}; the signed copy is being filed",
    EventType.DOCUMENT_SIGNATURE_DECLINED: "A signer declined to sign {label}",
    EventType.DOCUMENT_SIGNATURE_VOIDED: "The signature envelope for {label} was voided",
}


def signature_event(
    deal: Deal, request: DocumentRequest, caller: Caller | None, kind: EventType, sig: Signature, at: datetime
) -> ActivityEvent:
    """Internal by default (the team follows up); the send is seen by the request's audience and names the
    signers (they are told), the signed copy by the request's audience."""
    actor = caller.actor if caller is not None else PROVIDER_ACTOR
    data: dict[str, object] = {"request_id": sig.request_id, "label": request.label, "provider": sig.provider}
    visibility = Visibility.INTERNAL
    restricted: list[str] = []
    if kind == EventType.DOCUMENT_SIGNATURE_STARTED:
        data["attempt_id"] = sig.attempt_id
    else:
        data["envelope_id"] = sig.envelope_id
    if kind in (
        EventType.DOCUMENT_SIGNATURE_FAILED,
        EventType.DOCUMENT_SIGNATURE_DECLINED,
        EventType.DOCUMENT_SIGNATURE_VOIDED,
    ):
        data["reason"] = sig.reason
    if kind == EventType.DOCUMENT_SENT_FOR_SIGNATURE:
        signers = [s["user_id"] for s in sig.signers]
        data |= {"document_id": sig.document_id, "target_user_ids": signers}
        visibility, restricted = request.visibility, signers
    if kind == EventType.DOCUMENT_SIGNED:
        data["upload_id"] = sig.signed_upload_id
        visibility = request.visibility
    summary = SUMMARIES[kind].format(actor=actor.label, label=request.label)
    return deal_event(
        deal, actor, kind, summary, visibility=visibility, restricted_to=restricted, data=data, at=at
    )
