"""The demo shows the document loop (`make run`): every demo document that is submitted or approved —
including those the seed approved while it walked the demo deals up their stages — is a real file that
went through the ingest and can be downloaded, the review queue has work in it, and a refused upload says
why."""

from __future__ import annotations

import hashlib
import urllib.request
from typing import Any

from tests.portal.conftest import Stack

# An admin of each demo org reaches every deal of it.
ADMINS = ("ada.admin@harbormain.example", "rhea.admin@rivalrealty.example")


def _requests(stack: Stack) -> list[tuple[str, str, dict[str, Any]]]:
    """(admin, deal id, request) for every document request of every demo deal."""
    found = []
    for admin in ADMINS:
        for deal in stack.call(admin, "GET", "/v1/deals?limit=100")["items"]:
            workspace = stack.call(admin, "GET", f"/v1/deals/{deal['id']}")
            found += [(admin, deal["id"], r) for r in workspace["document_requests"]]
    return found


def test_every_submitted_or_approved_demo_document_is_a_stored_file_that_downloads(
    portal_stack: Stack,
) -> None:
    requests = _requests(portal_stack)
    answered = [(a, d, r) for a, d, r in requests if r["status"] in ("submitted", "approved")]
    # the seed's walks approve a stage's documents: several of them, on several deals
    approved = [r for _, _, r in answered if r["status"] == "approved"]
    assert len(approved) >= 5 and len({d for _, d, r in answered if r["status"] == "approved"}) >= 3

    for admin, deal_id, request in answered:
        # Then the request's latest version is the file behind its status
        assert request["documents"], f"{request['label']} is {request['status']} with no file"
        latest = request["documents"][-1]
        assert latest["status"] == request["status"], request["label"]
        # And it downloads: the bytes the ingest verified
        link = portal_stack.call(admin, "GET", f"/v1/deals/{deal_id}/documents/{latest['id']}/download")
        with urllib.request.urlopen(link["url"], timeout=30) as reply:
            content = reply.read()
        assert len(content) == latest["size"], request["label"]
        assert hashlib.sha256(content).hexdigest() == latest["sha256"], request["label"]


def test_the_review_queue_has_work_and_a_refused_upload_says_why(portal_stack: Stack) -> None:
    queue = portal_stack.call(ADMINS[0], "GET", "/v1/admin/review-queue?limit=50")["items"]
    assert queue, "the demo's review queue has documents in it"
    refused = [r for _, _, r in _requests(portal_stack) if r.get("last_refusal")]
    assert refused and all(r["last_refusal"]["message"] for r in refused)
