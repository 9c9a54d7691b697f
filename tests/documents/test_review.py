"""Reviewing submitted versions, and the org's review queue."""

from __future__ import annotations

import pytest

from tests.documents.helpers import AGENT, CLIENT, COORDINATOR, new_request, request_as
from tests.support.demo import ADMIN, RIVAL_ADMIN
from tests.support.uploads import PDF, Uploader, ingest


def submitted(api, deal, n: int = 1) -> list[dict]:
    """n requests, each with one version awaiting review (uploaded in that order)."""
    docs = []
    for i in range(n):
        request = new_request(api, deal, label=f"Document {i}")
        Uploader(api, deal, request["id"], CLIENT).upload(PDF + f"%{i}\n".encode())
        ingest()
        docs.append(request_as(api, deal, request["id"])["documents"][0])
    return docs


def review(api, deal, doc_id, body, email=COORDINATOR):
    return api.post(f"/v1/deals/{deal}/documents/{doc_id}/review", body, as_user=email)


@pytest.mark.parametrize(
    ("email", "status"), [(ADMIN, 200), (COORDINATOR, 200), (AGENT, 403), (CLIENT, 403), (RIVAL_ADMIN, 404)]
)
def test_only_admins_and_coordinators_review(api, park, storage, email, status):
    [doc] = submitted(api, park)
    assert review(api, park, doc["id"], {"decision": "approve"}, email).status == status


def test_a_rejection_needs_a_reason_code_and_text(api, park, storage):
    [doc] = submitted(api, park)
    for body in ({"decision": "reject"}, {"decision": "reject", "reason_code": "illegible"}):
        reply = review(api, park, doc["id"], body)
        assert (reply.status, reply.error_code) == (422, "reason_required")
    assert (
        review(
            api, park, doc["id"], {"decision": "reject", "reason_code": "blurry", "reason": "x" * 5}
        ).status
        == 422
    )
    assert request_as(api, park, doc_request(api, park, doc))["status"] == "submitted"


def doc_request(api, deal, doc) -> str:
    listed = api.get(f"/v1/deals/{deal}/document-requests", as_user=COORDINATOR).json["items"]
    return next(r["id"] for r in listed if any(d["id"] == doc["id"] for d in r["documents"]))


def test_a_version_is_reviewed_once(api, park, storage):
    [doc] = submitted(api, park)
    assert review(api, park, doc["id"], {"decision": "approve"}).status == 200
    again = review(
        api, park, doc["id"], {"decision": "reject", "reason_code": "other", "reason": "Changed my mind"}
    )
    assert (again.status, again.error_code) == (409, "not_awaiting_review")
    assert review(api, park, "dc_" + "q" * 26, {"decision": "approve"}).status == 404


def test_a_new_upload_before_review_supersedes_the_waiting_version(api, park, storage):
    request = new_request(api, park)
    client = Uploader(api, park, request["id"], CLIENT)
    client.upload(PDF + b"%first\n")
    ingest()
    client.upload(PDF + b"%second, the right one\n")
    ingest()
    seen = request_as(api, park, request["id"])
    assert [(d["version"], d["status"]) for d in seen["documents"]] == [(1, "superseded"), (2, "submitted")]
    queue = api.get("/v1/admin/review-queue", as_user=COORDINATOR).json["items"]
    assert [d["version"] for d in queue] == [2]


def test_the_review_queue_is_the_orgs_oldest_first_and_paged(api, park, storage):
    docs = submitted(api, park, 3)
    first = api.get("/v1/admin/review-queue?limit=2", as_user=COORDINATOR).json
    assert [d["id"] for d in first["items"]] == [docs[0]["id"], docs[1]["id"]]
    assert first["items"][0]["deal_id"] == park and first["items"][0]["label"] == "Document 0"
    rest = api.get(f"/v1/admin/review-queue?limit=2&cursor={first['next_cursor']}", as_user=COORDINATOR).json
    assert [d["id"] for d in rest["items"]] == [docs[2]["id"]] and rest["next_cursor"] is None
    # another org's admin sees their own (empty) queue, and cannot borrow this one's cursor
    assert api.get("/v1/admin/review-queue", as_user=RIVAL_ADMIN).json["items"] == []
    stolen = api.get(f"/v1/admin/review-queue?cursor={first['next_cursor']}", as_user=RIVAL_ADMIN)
    assert stolen.status == 400


@pytest.mark.parametrize(("email", "status"), [(AGENT, 403), (CLIENT, 404)])
def test_the_review_queue_is_for_the_admin_panel(api, park, storage, email, status):
    assert api.get("/v1/admin/review-queue", as_user=email).status == status


def test_a_rival_org_id_is_not_found(api, park, storage):
    org = api.get(f"/v1/deals/{park}", as_user=COORDINATOR).json["org_id"]
    assert api.get(f"/v1/admin/review-queue?org_id={org}", as_user=RIVAL_ADMIN).status == 404


def test_approving_the_stages_document_meets_its_definition_of_done(api, park, storage):
    # Given the Reyes purchase in inspections, whose definition of done needs the inspection report
    def missing_documents() -> list[str]:
        refused = api.post(f"/v1/deals/{park}/transitions", {"to": "financing"}, as_user=AGENT)
        assert refused.status == 409
        return [m["type"] for m in refused.json["error"]["details"]["missing"] if m["kind"] == "document"]

    assert missing_documents() == ["inspection_report"]
    listed = api.get(f"/v1/deals/{park}/document-requests", as_user=AGENT).json["items"]
    report = next(r for r in listed if r["type"] == "inspection_report")
    # When the report is uploaded and the coordinator approves it
    Uploader(api, park, report["id"], AGENT).upload(PDF + b"%inspection\n", file_name="inspection.pdf")
    ingest()
    [doc] = request_as(api, park, report["id"], AGENT)["documents"]
    assert review(api, park, doc["id"], {"decision": "approve"}).status == 200
    # Then only tasks stand between the deal and financing
    assert missing_documents() == []
