"""E-signature rules, no I/O (docs/ESIGN.md): who signs in which order, the signature's states, and how a
provider's webhook is authenticated and read.

A signature is a sub-record of one document request (`Signature`, one per request): the request keeps its
own statuses (requested → submitted → approved...), the signature says where the envelope is:

    sending ──► out_for_signature ──► signed      (the signed PDF is ingested as a new version)
       │                         ├──► declined    (with the signer's reason; the coordinator is told)
       │                         └──► voided      (with the reason; the coordinator is told)
       ├── failed (the provider refused the envelope outright; nothing was created)
       └── a retry of the send finds `sending` and finishes it (the envelope it may already have created
           is found by the attempt id it carries, never created twice)

A request whose signature is declined, voided or failed may be sent again (a new attempt replaces the record).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.documents import request_audience
from chalicelib.domain.entities import DocumentRequest, Party
from chalicelib.domain.errors import Conflict
from chalicelib.domain.roles import PartyRole, PartyStatus, Visibility

PROVIDER_DOCUSIGN = "docusign"
# Who signs when the document template names nobody: the buyers/sellers/tenants of the deal, together.
DEFAULT_SIGNER_ROLES = (PartyRole.CLIENT.value, PartyRole.CO_CLIENT.value)
MAX_SIGNERS = 20


class SignatureStatus(StrEnum):
    SENDING = "sending"  # the intent is recorded; the provider may or may not hold the envelope yet
    OUT_FOR_SIGNATURE = "out_for_signature"
    SIGNED = "signed"
    DECLINED = "declined"
    VOIDED = "voided"
    FAILED = "failed"  # the provider refused the envelope: nothing was created


RESENDABLE = frozenset({SignatureStatus.DECLINED, SignatureStatus.VOIDED, SignatureStatus.FAILED})


@dataclass(frozen=True)
class SignerRule:
    """One line of a document template's `signers`: the parties of `role` sign at `order` (1 first;
    equal orders sign in parallel, as DocuSign's routingOrder)."""

    role: str
    order: int = 1


@dataclass
class Signature:
    """The e-signature state of one document request (store/esign_models.py)."""

    deal_id: str
    request_id: str
    org_id: str
    attempt_id: str  # names one send; the envelope carries it, so a retry finds what it created
    status: str
    provider: str
    document_id: str  # the version that was sent
    signers: list[dict[str, Any]]  # [{"user_id", "name", "role", "order"}] — emails are never stored here
    requested_by: str
    requested_at: datetime
    version: int = 1
    envelope_id: str | None = None
    sent_at: datetime | None = None
    finished_at: datetime | None = None
    reason: str | None = None  # why it was declined or voided
    signed_upload_id: str | None = None  # the upload the signed PDF went through (docs/DOCUMENTS.md)


def signers_for(rules: Sequence[SignerRule], parties: Iterable[Party]) -> list[tuple[Party, int]]:
    """The deal's active parties who sign, in the template's order (ties keep the party order)."""
    active = [p for p in parties if p.status is PartyStatus.ACTIVE]
    chosen = list(rules) or [SignerRule(role, 1) for role in DEFAULT_SIGNER_ROLES]
    found: list[tuple[Party, int]] = []
    for rule in sorted(chosen, key=lambda r: r.order):
        found += [(p, rule.order) for p in active if p.role.value == rule.role]
    if not found:
        raise Conflict(
            "nobody on this deal can sign this document: invite the signers first",
            code="no_signers",
            details={"roles": sorted({r.role for r in chosen})},
        )
    if len(found) > MAX_SIGNERS:
        raise Conflict(f"at most {MAX_SIGNERS} people can sign one envelope", code="too_many_signers")
    return found


STAFF_PARTY_ROLES = frozenset({PartyRole.AGENT, PartyRole.COORDINATOR})


def may_see(request: DocumentRequest, signers: Sequence[tuple[Party, int]]) -> None:
    """The provider emails the document to every signer: each must be someone who sees the request (its
    audience when it is restricted, the deal's staff when it is internal)."""
    audience = set(request_audience(request))
    blind = [
        p.user_id
        for p, _ in signers
        if p.role not in STAFF_PARTY_ROLES
        and (
            request.visibility is Visibility.INTERNAL
            or (request.visibility is Visibility.RESTRICTED and p.user_id not in audience)
        )
    ]
    if blind:
        raise Conflict(
            "some signers may not see this document: share the request with them first",
            code="signer_cannot_see_document",
            details={"user_ids": blind},
        )


def may_send(current: Signature | None) -> None:
    """A request is sent once at a time: again only after a decline or a void."""
    if current is None or SignatureStatus(current.status) in RESENDABLE:
        return
    if current.status == SignatureStatus.SIGNED:
        raise Conflict("this document was already signed", code="already_signed")
    if current.status == SignatureStatus.OUT_FOR_SIGNATURE:
        raise Conflict("this document is already out for signature", code="already_out_for_signature")


# -- the provider's webhook ---------------------------------------------------------------------


def hmac_signature(secret: str, body: bytes) -> str:
    """DocuSign Connect's X-DocuSign-Signature-N: base64(HMAC-SHA256(key, the raw request body))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode("ascii")


def signature_valid(secrets: Sequence[str], body: bytes, headers: Iterable[str]) -> bool:
    """Any of the org's secrets against any of the signatures sent (Connect signs with every active key,
    so keys rotate without downtime). Constant-time comparisons only."""
    expected = [hmac_signature(s, body).encode() for s in secrets if s]
    offered = [h.strip().encode() for h in headers if h and h.strip()]
    valid = False
    for given in offered:
        for wanted in expected:
            valid |= hmac.compare_digest(given, wanted)
    return valid


class ConnectEvent(StrEnum):
    COMPLETED = "envelope-completed"
    DECLINED = "envelope-declined"
    VOIDED = "envelope-voided"


@dataclass(frozen=True)
class ConnectMessage:
    """What Threshold reads from one Connect delivery (JSON, SIM format)."""

    event: str
    envelope_id: str
    reason: str | None


def read_connect(body: bytes) -> ConnectMessage | None:
    """A Connect JSON message: {"event", "generatedDateTime", "data": {"envelopeId", "envelopeSummary":
    {"status", "voidedReason", "recipients": {"signers": [{"declinedReason"}]}}}}. None when it is not
    one Threshold acts on (or not readable)."""
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("data"), dict):
        return None
    data = message["data"]
    envelope_id = data.get("envelopeId")
    event = message.get("event")
    if not isinstance(envelope_id, str) or not envelope_id or event not in ConnectEvent._value2member_map_:
        return None
    summary = data.get("envelopeSummary") if isinstance(data.get("envelopeSummary"), dict) else {}
    return ConnectMessage(str(event), envelope_id, _reason(str(event), summary))


def _reason(event: str, summary: dict[str, Any]) -> str | None:
    if event == ConnectEvent.VOIDED:
        return _text(summary.get("voidedReason"))
    if event == ConnectEvent.DECLINED:
        signers = (summary.get("recipients") or {}).get("signers") or []
        for signer in signers if isinstance(signers, list) else []:
            if isinstance(signer, dict) and signer.get("declinedReason"):
                return _text(signer["declinedReason"])
    return None


def _text(value: Any) -> str | None:
    return str(value)[:1000] if value else None


@dataclass
class EnvelopeRef:
    """Which request an envelope of an org belongs to: what the provider's webhook is looked up by."""

    org_id: str
    envelope_id: str
    deal_id: str
    request_id: str
    created_at: datetime
