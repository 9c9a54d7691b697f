"""Shared steps of the e-signature tests: a purchase agreement drafted by the agent, sent for signature,
and the provider's Connect notifications delivered to the webhook."""

from __future__ import annotations

from typing import Any

from devstack.fake_docusign import FakeDocuSign
from tests.support.uploads import PDF, Uploader, ingest

AGENT = "alex.agent@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
CLIENT = "bianca.buyer@mail.example"
CO_CLIENT = "ben.buyer@mail.example"
LENDER = "lena@firstharborbank.example"
RIVAL_COORDINATOR = "rory.coord@rivalrealty.example"
DRAFT = PDF.replace(b"%%EOF", b"% purchase agreement draft\n%%EOF")


def signature_path(deal: str, request_id: str) -> str:
    return f"/v1/deals/{deal}/document-requests/{request_id}/signature"


def drafted_agreement(api: Any, deal: str) -> dict[str, Any]:
    """The agent asks for the purchase agreement (the template: PDF, uploaded by the agent) and uploads the
    draft; the ingest makes it version 1."""
    reply = api.post(
        f"/v1/deals/{deal}/document-requests", {"template_key": "purchase_agreement"}, as_user=AGENT
    )
    assert reply.status == 201, reply.json
    Uploader(api, deal, reply.json["id"], AGENT).upload(DRAFT, file_name="Purchase agreement.pdf")
    assert ingest() == 1
    return dict(reply.json)


def connect(api: Any, fake: FakeDocuSign, org_id: str, envelope_id: str, event: str, **kw: Any) -> Any:
    body = fake.connect_message(envelope_id, event, reason=kw.pop("reason", None))
    headers = kw.pop("headers", None) or fake.connect_headers(body)
    return api.request("POST", f"/v1/integrations/docusign/connect/{org_id}", body=body, headers=headers)


def org_of(api: Any, deal: str) -> str:
    return str(api.get(f"/v1/deals/{deal}", as_user=COORDINATOR).json["org_id"])


def versions(api: Any, deal: str, request_id: str, email: str = CLIENT) -> list[dict[str, Any]]:
    listed = api.get(f"/v1/deals/{deal}/document-requests", as_user=email).json["items"]
    return list(next(r for r in listed if r["id"] == request_id)["documents"])
