"""Faults from DynamoDB lose nothing and duplicate nothing: a mutation is one transaction, and a
throttled, conflicting or cancelled transaction answers 503/409 with nothing half-written."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from chalicelib import ids
from chalicelib.domain.entities import SYSTEM
from chalicelib.domain.errors import Conflict
from chalicelib.domain.events import EventType
from chalicelib.services.activity import org_event
from chalicelib.store.models import ActivityItem
from chalicelib.store.table import connection
from chalicelib.store.unit_of_work import UnitOfWork

AGENT = "alex.agent@harbormain.example"


def fail_transactions_with(code: str, reasons: list[dict[str, Any]] | None = None):
    """Make DynamoDB answer TransactWriteItems with an error, as AWS would under load."""

    def respond(**_: Any):
        error_code = "TransactionCanceledException" if reasons else code
        body: dict[str, Any] = {
            "Error": {"Code": error_code, "Message": code},
            "CancellationReasons": reasons or [],
        }
        return AWSResponse("https://dynamodb", 400, HTTPHeaders(), None), body

    events = connection().connection.client.meta.events
    events.register_first("before-call.dynamodb.TransactWriteItems", respond, unique_id="fault")
    return lambda: events.unregister("before-call.dynamodb.TransactWriteItems", unique_id="fault")


def deal_count(api, user: str) -> int:
    return len(api.get("/v1/deals?limit=100", as_user=user).json["items"])


NEW_DEAL = {
    "workflow": "listing",
    "title": "Fault-tolerant listing",
    "property": {"address": {"line1": "8 Fault Ln", "city": "Boston", "state": "MA", "postal_code": "02101"}},
}


def test_throttling_answers_503_and_writes_nothing(seeded, api):
    before = deal_count(api, AGENT)
    restore = fail_transactions_with("ProvisionedThroughputExceededException")
    try:
        reply = api.post("/v1/deals", NEW_DEAL, as_user=AGENT)
    finally:
        restore()
    assert reply.status == 503 and reply.error_code == "retry_later"
    assert reply.headers["Retry-After"] == "1"
    assert deal_count(api, AGENT) == before


def test_a_transaction_conflict_answers_409(seeded, api):
    restore = fail_transactions_with("x", reasons=[{"Code": "TransactionConflict"}])
    try:
        reply = api.post("/v1/deals", NEW_DEAL, as_user=AGENT)
    finally:
        restore()
    assert reply.status == 409 and reply.error_code == "write_conflict"


def test_a_failed_condition_leaves_every_other_item_unwritten(table):
    org = ids.new_id("o")
    kept = org_event(org, SYSTEM, EventType.ORG_CREATED, "first")
    uow = UnitOfWork()
    uow.record(kept)
    uow.commit()

    uow = UnitOfWork()
    fresh = org_event(org, SYSTEM, EventType.USER_REGISTERED, "would be new")
    uow.record(fresh)
    uow.create(ActivityItem.from_entity(kept), on_exists=Conflict("duplicate", code="duplicate"))
    with pytest.raises(Conflict):
        uow.commit()
    stored = [i.type for i in ActivityItem.query(f"ORG#{org}")]
    assert stored == ["org.created"]


def test_activity_events_are_append_only(table):
    event = org_event(ids.new_id("o"), SYSTEM, EventType.ORG_CREATED, "written once")
    first = UnitOfWork()
    first.record(event)
    first.commit()
    again = UnitOfWork()
    again.record(event)
    with pytest.raises(Conflict):
        again.commit()
    with pytest.raises(RuntimeError, match="append-only"):
        UnitOfWork().update(ActivityItem.from_entity(event), {"summary": "rewritten"})


def test_a_mutation_without_its_activity_event_is_refused():
    uow = UnitOfWork()
    uow.create(ActivityItem.from_entity(org_event("o_x", SYSTEM, EventType.ORG_CREATED, "s")))
    with pytest.raises(RuntimeError, match="activity event"):
        uow.commit()
