"""What a caller sees of a document request's e-signature (docs/ESIGN.md). The decline or void reason
is staff-only: a signer's words about the deal are for the team that follows up."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from chalicelib.clock import iso
from chalicelib.domain.esign import Signature


class SignerOut(TypedDict):
    user_id: str
    name: str
    role: str
    order: int
    """1 signs first; signers with the same order sign in parallel"""


class SignatureOut(TypedDict):
    request_id: str
    status: Literal["sending", "out_for_signature", "signed", "declined", "voided", "failed"]
    provider: str
    document_id: str
    """the version that was sent for signature"""
    signers: list[SignerOut]
    requested_at: str
    sent_at: NotRequired[str]
    finished_at: NotRequired[str]
    signed_upload_id: NotRequired[str]
    """the upload the signed PDF goes through: GET /v1/deals/{deal_id}/uploads/{upload_id} follows it"""
    reason: NotRequired[str]
    """why it was declined, voided or failed (staff only)"""
    version: int


class ConnectReceipt(TypedDict):
    outcome: Literal["applied", "duplicate", "ignored"]


def signature_view(signature: Signature, *, staff: bool) -> SignatureOut:
    out: SignatureOut = {
        "request_id": signature.request_id,
        "status": signature.status,  # type: ignore[typeddict-item]
        "provider": signature.provider,
        "document_id": signature.document_id,
        "signers": [
            {"user_id": s["user_id"], "name": s["name"], "role": s["role"], "order": int(s["order"])}
            for s in signature.signers
        ],
        "requested_at": iso(signature.requested_at),
        "version": signature.version,
    }
    if signature.sent_at is not None:
        out["sent_at"] = iso(signature.sent_at)
    if signature.finished_at is not None:
        out["finished_at"] = iso(signature.finished_at)
    if signature.signed_upload_id is not None:
        out["signed_upload_id"] = signature.signed_upload_id
    if staff and signature.reason:
        out["reason"] = signature.reason
    return out
