"""Local mode's e-signature (docs/ESIGN.md): a local DocuSign (devstack/fake_docusign.py) configured for
every demo org in the emulator's SSM, and one demo envelope out for signature — the agent's purchase
agreement addendum on the Reyes purchase — that anyone can finish with one curl (the banner shows it)."""

from __future__ import annotations

import json
import sys

import boto3
import urllib3

from chalicelib.config import settings
from chalicelib.domain.commands import NewDocumentRequest, NewUpload
from chalicelib.services import document_requests
from chalicelib.services import esign as esign_service
from chalicelib.services.principals import caller_for
from chalicelib.store.esign import parameter_name
from devstack.environment import PORTAL_ORIGIN
from devstack.fake_docusign import FakeDocuSign
from devstack.queue_trigger import upload_queue_trigger

AGENT = "alex.agent@harbormain.example"
DEMO_DEAL = "park_purchase"
ADDENDUM = (
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% Addendum 1 to the purchase agreement: the seller "
    b"credits $2,500 at closing for the roof repair.\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def start_local_docusign(orgs: dict[str, str], api_url: str) -> FakeDocuSign:
    """The local DocuSign on a free loopback port; each demo org's configuration stored where a deployed
    stage keeps it (an SSM SecureString under ESIGN_PARAMETER_PREFIX)."""
    fake = FakeDocuSign(connect_url=api_url).start()
    ssm = boto3.client("ssm", region_name=settings().region)
    for org_id in orgs.values():
        name = parameter_name(org_id)
        if name is not None:
            value = json.dumps(fake.configuration(org_id))
            ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    return fake


def send_demo_envelope(deal_id: str) -> str | None:
    """The agent drafts an addendum (a PDF, through the upload form and the ingest, as a browser would)
    and sends it for signature: the buyers sign first, then the agent. Returns the envelope id."""
    agent = caller_for(AGENT, None)
    request, _ = document_requests.create_request(
        agent,
        deal_id,
        NewDocumentRequest(template_key="purchase_agreement", label="Purchase agreement addendum 1"),
    )
    post, _ = document_requests.issue_upload_form(
        agent,
        deal_id,
        request.request_id,
        NewUpload(file_name="Addendum 1.pdf", content_type="application/pdf", size=len(ADDENDUM)),
    )
    fields: dict[str, str | tuple[str, bytes, str]] = dict(post["fields"])
    fields["file"] = ("Addendum 1.pdf", ADDENDUM, "application/pdf")
    reply = urllib3.PoolManager().request(
        "POST", post["url"], fields=fields, headers={"Origin": PORTAL_ORIGIN}
    )
    if reply.status >= 300:
        print(f"e-signature demo: the emulator refused the draft ({reply.status})", file=sys.stderr)
        return None
    trigger = upload_queue_trigger()
    for _ in range(10):
        if trigger.poll():
            break
    signature = esign_service.send_for_signature(agent, deal_id, request.request_id)
    return signature.envelope_id
