"""E-signature of a document request (docs/ESIGN.md): send the current version for signature, see where
it stands, void it; and the provider's webhook (DocuSign Connect), public and HMAC-verified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import Answer, etag, route
from chalicelib.domain.access import Caller
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import esign_responses as out
    from chalicelib.domain.commands import ReasonIn
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    out = LazyModule("chalicelib.domain.esign_responses")

esign = Blueprint(__name__)

SIGNATURE = "/v1/deals/{deal_id}/document-requests/{request_id}/signature"
CONNECT = "/v1/integrations/docusign/connect/{org_id}"
# Connect signs with every active HMAC key: X-DocuSign-Signature-1, -2, ... (key rotation)
SIGNATURE_HEADERS = tuple(f"x-docusign-signature-{n}" for n in range(1, 6))


@route(
    esign,
    SIGNATURE,
    "POST",
    summary="Send the request's current version for e-signature (deal team)",
    status=201,
)
def send_for_signature(caller: Caller, deal_id: str, request_id: str) -> Answer[out.SignatureOut]:
    from chalicelib.services import esign as service

    signature = service.send_for_signature(caller, deal_id, request_id)
    return Answer(out.signature_view(signature, staff=True), {"ETag": etag(signature.version)})


@route(esign, SIGNATURE, "GET", summary="Where the request's e-signature stands")
def get_signature(caller: Caller, deal_id: str, request_id: str) -> Answer[out.SignatureOut]:
    from chalicelib.services import esign as service

    signature, access = service.get_signature(caller, deal_id, request_id)
    return Answer(out.signature_view(signature, staff=access.is_staff), {"ETag": etag(signature.version)})


@route(
    esign,
    SIGNATURE + "/void",
    "POST",
    summary="Void the envelope that is out for signature, with a reason (deal team)",
    body="ReasonIn",
)
def void_signature(caller: Caller, deal_id: str, request_id: str, body: ReasonIn) -> out.SignatureOut:
    from chalicelib.services import esign as service

    return out.signature_view(service.void_signature(caller, deal_id, request_id, body.reason), staff=True)


@route(
    esign,
    CONNECT,
    "POST",
    summary="DocuSign Connect notifications (no login: HMAC-signed; an invalid signature is a 401)",
    auth=False,
)
def docusign_connect(request: Request, org_id: str) -> out.ConnectReceipt:
    from chalicelib.services import esign_connect

    raw = request.raw_body or b""
    body = raw.encode() if isinstance(raw, str) else raw
    signatures = [request.headers.get(h) or "" for h in SIGNATURE_HEADERS]
    outcome = esign_connect.receive(org_id, body, signatures)
    return {"outcome": outcome}  # type: ignore[typeddict-item]
