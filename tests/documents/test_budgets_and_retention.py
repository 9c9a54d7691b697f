"""Request budgets of the document routes (PRODUCT.md §3), and retention: object tags and archiving.

Authorization reads (docs/DATA_MODEL.md): the caller (1 Query), and for deal-scoped routes the deal with
its parties (1 Query)."""

from __future__ import annotations

import pytest

from chalicelib.config import settings
from chalicelib.domain.entities import SYSTEM
from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.runbooks.handlers import HANDLERS
from chalicelib.services import documents as document_service
from chalicelib.services.ingest import ingest_upload
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store import objects
from tests.documents.helpers import CLIENT, COORDINATOR, activity, new_request, request_as
from tests.support.uploads import PDF, Uploader, ingest, s3


def one_version(api, park) -> dict:
    request = new_request(api, park)
    Uploader(api, park, request["id"], CLIENT).upload(PDF)
    ingest()
    return request_as(api, park, request["id"])["documents"][0]


def test_a_review_queue_page_is_one_query_after_the_caller(api, park, storage, ddb_calls):
    one_version(api, park)
    ddb_calls.reset()
    assert len(api.get("/v1/admin/review-queue", as_user=COORDINATOR).json["items"]) == 1
    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, then one page of GSI2


def test_a_download_is_one_getitem_plus_authorization_and_its_audit_write(api, park, storage, ddb_calls):
    doc = one_version(api, park)
    ddb_calls.reset()
    assert api.get(f"/v1/deals/{park}/documents/{doc['id']}/download", as_user=CLIENT).status == 200
    # caller, deal + parties; the version; the audit event of the view
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1, "TransactWriteItems": 1}


def test_the_other_document_routes_keep_their_budgets(api, park, storage, ddb_calls):
    ddb_calls.reset()
    request = new_request(api, park)
    # new_request reads the deal once to find the client's id: caller + workspace, then the POST
    assert ddb_calls.by_operation() == {"Query": 4, "TransactWriteItems": 1}

    ddb_calls.reset()
    assert api.get(f"/v1/deals/{park}/document-requests", as_user=CLIENT).status == 200
    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, then deal + parties + requests + versions

    ddb_calls.reset()
    form = Uploader(api, park, request["id"], CLIENT).form()
    assert form.status == 201
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1, "TransactWriteItems": 1}

    from tests.support.uploads import post_to_s3

    post_to_s3(form.json, "letter.pdf", PDF, "application/pdf")
    ddb_calls.reset()
    assert ingest_upload(form.json["fields"]["key"]).result == "accepted"
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}

    doc = request_as(api, park, request["id"])["documents"][0]
    ddb_calls.reset()
    assert (
        api.post(
            f"/v1/deals/{park}/documents/{doc['id']}/review", {"decision": "approve"}, as_user=COORDINATOR
        ).status
        == 200
    )
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 2, "TransactWriteItems": 1}


def tags_of(key: str) -> dict[str, str]:
    tag_set = s3().get_object_tagging(Bucket=settings().documents_bucket, Key=key)["TagSet"]
    return {t["Key"]: t["Value"] for t in tag_set}


def test_an_accepted_file_carries_its_retention_class(api, park, storage):
    doc = one_version(api, park)
    stored = doc_store.load_document(park, doc["id"])
    assert stored is not None
    tags = tags_of(stored.s3_key)
    assert tags["retention"] == "deal-open" and tags["deal"] == park and tags["org"] == stored.org_id


def test_closing_a_deal_archives_its_files_once(api, park, storage):
    # Given two files on the deal awaiting review, one of which GuardDuty already tagged
    docs = [one_version(api, park), one_version(api, park)]
    keys = [doc_store.load_document(park, d["id"]).s3_key for d in docs]  # type: ignore[union-attr]
    verdict = {"Key": "GuardDutyMalwareScanStatus", "Value": "NO_THREATS_FOUND"}
    current = [{"Key": k, "Value": v} for k, v in tags_of(keys[0]).items()]
    s3().put_object_tagging(
        Bucket=settings().documents_bucket, Key=keys[0], Tagging={"TagSet": [*current, verdict]}
    )
    # When the deal is cancelled: its transition archives the documents (and a retry changes nothing)
    cancelled = api.post(
        f"/v1/deals/{park}/transitions",
        {"to": "cancelled", "reason": "Buyer walked away"},
        as_user=COORDINATOR,
    )
    assert cancelled.status == 200, cancelled.json
    deal, _ = deal_store.load_header(park)
    assert deal is not None
    assert document_service.archive_deal_documents(deal, SYSTEM) == 0
    # Then each file is in the closed-deal class, GuardDuty's verdict kept, and the queue is clear
    assert [tags_of(k)["retention"] for k in keys] == ["deal-closed", "deal-closed"]
    assert tags_of(keys[0])["GuardDutyMalwareScanStatus"] == "NO_THREATS_FOUND"
    assert api.get("/v1/admin/review-queue", as_user=COORDINATOR).json["items"] == []
    statuses = {doc_store.load_document(park, d["id"]).status for d in docs}  # type: ignore[union-attr]
    assert statuses == {"withdrawn"}
    # recorded once
    archived = [e for e in activity(api, park) if e["type"] == "documents.archived"]
    assert len(archived) == 1
    assert archived[0]["data"]["count"] == 2
    assert sorted(archived[0]["data"]["withdrawn"]) == sorted(d["id"] for d in docs)


def test_no_route_deletes_a_document(api, park, storage):
    doc = one_version(api, park)
    for path in (
        f"/v1/deals/{park}/documents/{doc['id']}",
        f"/v1/deals/{park}/documents/{doc['id']}/download",
    ):
        assert api.delete(path, as_user=COORDINATOR).status in (403, 404, 405)
    assert request_as(api, park, doc_store.load_document(park, doc["id"]).request_id)["documents"]  # type: ignore[union-attr]


def test_an_archive_that_failed_at_closing_is_finished_by_the_runbook(
    api, seeded, park, storage, monkeypatch
):
    # Given a file on the deal, and S3 failing while the deal is closed
    doc = one_version(api, park)
    key = doc_store.load_document(park, doc["id"]).s3_key  # type: ignore[union-attr]

    def s3_down(*_: object) -> bool:
        raise Unavailable("S3 is busy", code="storage_unavailable")

    monkeypatch.setattr(objects, "ensure_tags", s3_down)
    closed = api.post(
        f"/v1/deals/{park}/transitions", {"to": "cancelled", "reason": "Deal fell apart"}, as_user=COORDINATOR
    )
    assert closed.status == 200 and closed.json["stage"] == "cancelled"  # the stage change stands
    monkeypatch.undo()
    assert tags_of(key)["retention"] == "deal-open"
    # When ops run the archive runbook: a dry run plans, a real run archives, a second run finds nothing
    event = {"requested_by": "jane.ops@harbormain.example", "deal_id": park}
    run = HANDLERS["runbook_archive_deal_documents"]
    dry = run(event, None)
    assert [s["action"] for s in dry["plan"]] == [
        "tag the file deal-closed",
        "withdraw from the review queue",
    ]
    assert tags_of(key)["retention"] == "deal-open"
    real = run({**event, "dry_run": False}, None)
    assert real["changed"] == [{"deal_id": park, "files_tagged": 1}]
    assert tags_of(key)["retention"] == "deal-closed"
    again = run({**event, "dry_run": False}, None)
    assert again["plan"] == [] and again["changed"] == []
    # an open deal's documents are not archived
    with pytest.raises(Conflict, match="only a closed deal"):
        run({**event, "deal_id": seeded.deals["quick_purchase"].deal_id}, None)
