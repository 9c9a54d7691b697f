"""Demo documents for `make run`: real files sent the way a browser sends them, through the presigned POST
form the API hands out and the same ingest Lambda runs, so the review queue has work in it, every approved
document can be downloaded, and one refused upload shows its reason.

- While `seed_demo(with_files=accept_with_file)` walks the demo deals up their stages, every document a
  stage needs is uploaded by the party it was asked of (or the coordinator), goes through the ingest, and
  is approved by the coordinator with the review route's own service: real files, real versions, the
  activity a real review writes.
- After seeding, `upload_demo_documents` sends three more: two wait in the review queue, one is refused.

Run by `make run` only, before the triggers start (the test suite's seeded data does not include these: it
has no S3 endpoint to POST to). About fifteen uploads, each with its ingest pass: about a second.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import urllib3

from chalicelib.domain.access import Caller
from chalicelib.domain.commands import NewUpload, Review
from chalicelib.domain.documents import ReviewDecision
from chalicelib.domain.entities import DocumentRequest
from chalicelib.domain.views import Workspace
from chalicelib.services import document_requests, documents
from chalicelib.services.principals import caller_for
from devstack.environment import PORTAL_ORIGIN
from devstack.queue_trigger import QueueTrigger, upload_queue_trigger
from devstack.seed import Demo

# A one-page PDF a viewer renders ("Home inspection report — demo"), and a small PNG photo.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 86>>stream\n"
    b"BT /F1 24 Tf 72 700 Td (Home inspection report - demo) Tj 0 -40 Td (14 Elm St, Boston) Tj ET\n"
    b"endstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000010000000100802000000909168360000001c49444154789c63f8cfc0f09f"
    "8181e13f030303c3ff4103a306a306a3061e0002e3ff01d57f39dd0000000049454e44ae426082"
)
NOT_A_PDF = b"This text file was named statement.pdf by mistake.\n"


@dataclass(frozen=True)
class DemoUpload:
    deal: str  # a key of devstack.seed.DEALS
    uploader: str
    request_type: str
    file_name: str
    content_type: str
    content: bytes


UPLOADS = (
    # waiting for review (the coordinator's queue): a PDF and a photo
    DemoUpload(
        "park_purchase",
        "bianca.buyer@mail.example",
        "inspection_report",
        "inspection.pdf",
        "application/pdf",
        PDF,
    ),
    DemoUpload("park_purchase", "bianca.buyer@mail.example", "", "pay-stub.png", "image/png", PNG),
    # refused by the ingest: the bytes are not a PDF; the client reads why on the request
    DemoUpload(
        "quick_purchase", "carl.client@mail.example", "", "statement.pdf", "application/pdf", NOT_A_PDF
    ),
)


def upload_demo_documents(demo: Demo) -> int:
    """POST each demo file with its own form, then run the ingest once over the queue."""
    used: set[str] = set()  # one file per request: a second would supersede the first
    for upload in UPLOADS:
        caller = caller_for(upload.uploader, None)
        deal_id = demo.deals[upload.deal].deal_id
        requests, _ = document_requests.list_requests(caller, deal_id)
        request = next(
            (
                r
                for r, _ in requests
                if upload.request_type in ("", r.type)
                and r.request_id not in used
                and r.status in ("requested", "rejected")
                and caller.user_id in r.target_user_ids
                and upload.content_type in document_requests.accepted_types(r)
            ),
            None,
        )
        if request is None:  # the demo deals changed: say so rather than fail `make run`
            print(f"demo documents: no open request on {upload.deal} for {upload.file_name}", file=sys.stderr)
            continue
        used.add(request.request_id)
        _post(caller, deal_id, request, upload.file_name, upload.content_type, upload.content)
    return _ingest(len(UPLOADS))


def accept_with_file(ws: Workspace, request: DocumentRequest, coordinator: Caller) -> None:
    """A document a demo stage needs, the whole way: the party it was asked of (else the coordinator)
    uploads a real file, the ingest verifies and records it, and the coordinator approves it."""
    party = next((p for p in ws.parties if p.user_id in request.target_user_ids), None)
    uploader = caller_for(party.email, None) if party is not None else coordinator
    accepted = document_requests.accepted_types(request)
    content_type, content, ext = next(
        ((t, c, e) for t, c, e in _SAMPLES if t in accepted),
        _SAMPLES[0],
    )
    deal_id = ws.deal.deal_id
    _post(uploader, deal_id, request, f"{request.type.replace('_', '-')}.{ext}", content_type, content)
    _ingest(1)  # the queue may also hold storage's test event: the request's versions tell
    _, versions = document_requests.get_request(coordinator, deal_id, request.request_id)
    submitted = next((d for d in reversed(versions) if d.status == "submitted"), None)
    if submitted is None:
        raise RuntimeError(f"the ingest did not take the demo file for {request.label}")
    documents.review_document(
        coordinator, deal_id, submitted.document_id, Review(decision=ReviewDecision.APPROVE)
    )


# The file sent for a document a stage needs: a PDF when the request takes one, else a photo.
_SAMPLES = (("application/pdf", PDF, "pdf"), ("image/png", PNG, "png"))
_HTTP = urllib3.PoolManager()
_TRIGGER: QueueTrigger | None = None


def _post(
    caller: Caller, deal_id: str, request: DocumentRequest, file_name: str, content_type: str, content: bytes
) -> None:
    """The browser's part: ask the API for a form, then POST the file to storage with it."""
    post, _ = document_requests.issue_upload_form(
        caller,
        deal_id,
        request.request_id,
        NewUpload(file_name=file_name, content_type=content_type, size=len(content)),
    )
    fields: dict[str, str | tuple[str, bytes, str]] = dict(post["fields"])
    fields["file"] = (file_name, content, content_type)
    reply = _HTTP.request("POST", post["url"], fields=fields, headers={"Origin": PORTAL_ORIGIN})
    if reply.status >= 300:
        raise RuntimeError(f"the emulator refused a demo upload ({reply.status})")


def _ingest(expected: int) -> int:
    """The upload queue's Lambda, run until it has taken `expected` uploads (or the queue stays empty)."""
    global _TRIGGER
    if _TRIGGER is None:
        _TRIGGER = upload_queue_trigger()
    trigger = _TRIGGER
    handled = 0
    deadline = time.monotonic() + 10  # storage's event reaches the queue a moment after the POST
    while handled < expected and time.monotonic() < deadline:
        taken = trigger.poll()
        handled += taken
        if not taken:
            time.sleep(0.02)
    return handled
