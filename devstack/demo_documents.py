"""Demo documents for `make run`: real files sent the way a browser sends them, through the presigned POST
form the API hands out and the same ingest Lambda runs, so the review queue has work in it and one
refused upload shows its reason.

Run by `make run` only, after `seed_demo()` and before the triggers start (the test suite's seeded data
does not include these: it has no S3 endpoint to POST to). Three uploads, one ingest pass: well under a
second.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import urllib3

from chalicelib.domain.commands import NewUpload
from chalicelib.services import document_requests
from chalicelib.services.principals import caller_for
from devstack.environment import PORTAL_ORIGIN
from devstack.seed import Demo
from devstack.upload_trigger import UploadQueueTrigger

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
    http = urllib3.PoolManager()
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
        post, _ = document_requests.issue_upload_form(
            caller,
            deal_id,
            request.request_id,
            NewUpload(file_name=upload.file_name, content_type=upload.content_type, size=len(upload.content)),
        )
        fields: dict[str, str | tuple[str, bytes, str]] = dict(post["fields"])
        fields["file"] = (upload.file_name, upload.content, upload.content_type)
        reply = http.request("POST", post["url"], fields=fields, headers={"Origin": PORTAL_ORIGIN})
        if reply.status >= 300:
            raise RuntimeError(f"the emulator refused a demo upload ({reply.status})")
    trigger = UploadQueueTrigger()
    handled = 0
    for _ in range(20):
        handled += trigger.poll()
        if handled >= len(UPLOADS):
            break
    return handled
