"""Helpers for tests that walk a deal's plan through the API."""

from __future__ import annotations

from typing import Any

from chalicelib import clock, ids
from chalicelib.domain import workflows
from chalicelib.domain.entities import Document
from chalicelib.store import deals as deal_store
from chalicelib.store.models import DocumentItem, DocumentRequestItem
from devstack.seed import accept_invitation
from tests.support.api import Api

COORDINATOR = "cora.coord@harbormain.example"
ADDRESS = {"line1": "5 Oak Ave", "city": "Boston", "state": "MA", "postal_code": "02115"}


def open_deal(
    api: Api,
    workflow: str,
    parties: list[dict[str, Any]],
    key_dates: dict[str, str] | None = None,
    as_user: str = COORDINATOR,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "workflow": workflow,
        "title": f"Test {workflow}",
        "property": {"address": ADDRESS},
        "key_dates": key_dates or {},
        "parties": parties,
        **extra,
    }
    reply = api.post("/v1/deals", body, as_user=as_user)
    assert reply.status == 201, reply.json
    return reply.json


def workspace(api: Api, deal_id: str, as_user: str = COORDINATOR) -> dict[str, Any]:
    reply = api.get(f"/v1/deals/{deal_id}", as_user=as_user)
    assert reply.status == 200, reply.json
    return reply.json


def task_by_key(ws: dict[str, Any], deal: str, key: str) -> dict[str, Any]:
    """A template task of the workspace, found by its template title (keys are not exposed)."""
    template = workflows.pinned(ws["workflow"], ws["template_version"])
    title = template.task(key).title
    return next(t for t in ws["tasks"] if t["title"] == title)


def complete(api: Api, deal_id: str, task: dict[str, Any], as_user: str = COORDINATOR, **proof: str) -> Any:
    body: dict[str, Any] = {"status": "done"}
    if task["proof_required"] == "note":
        body["proof"] = {"note": "Done, see the file"}
    if task["proof_required"] == "document":
        body["proof"] = {"document_id": proof["document_id"]}
    return api.patch(
        f"/v1/deals/{deal_id}/tasks/{task['id']}",
        body,
        as_user=as_user,
        headers={"If-Match": str(task["version"])},
    )


def accept_document(deal_id: str, request_id: str) -> None:
    """Mark a request approved in the table: the review route belongs to the documents loop."""
    item = DocumentRequestItem.get(*DocumentRequestItem.key_for(deal_id=deal_id, request_id=request_id))
    item.update(actions=[DocumentRequestItem.status.set("approved")])


def upload_record(deal_id: str, request_id: str, uploaded_by: str) -> str:
    """A document version as ingest records one, for proof-of-completion tests."""
    document = Document(
        deal_id,
        request_id,
        ids.new_id("dc"),
        1,
        "submitted",
        "0" * 64,
        1024,
        "image/jpeg",
        uploaded_by,
        clock.now(),
        f"orgs/o/deals/{deal_id}/requests/{request_id}/x",
    )
    DocumentItem.from_entity(document).save()
    return document.document_id


def join(deal_id: str, user_id: str) -> None:
    """The invitee accepts (as the invitation flow does), so they reach the deal."""
    deal, parties = deal_store.load_header(deal_id)
    assert deal is not None
    party = next(p for p in parties if p.user_id == user_id)
    accept_invitation(deal, parties, party)
