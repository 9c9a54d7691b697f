"""Request budgets of PRODUCT.md §3, counted with a botocore event hook on the table's client.

Authorization reads are documented in docs/DATA_MODEL.md: every authenticated request makes one
strongly consistent Query for the caller (user + staff roles); deal-scoped requests read the deal
partition once (the whole workspace, or just the deal and its parties)."""

from __future__ import annotations

from chalicelib import clock, ids
from chalicelib.domain.entities import DocumentRequest, Task
from chalicelib.domain.roles import Visibility
from chalicelib.store.models import DocumentRequestItem, TaskItem
from tests.support.demo import ADMIN, deal_id

AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"


def test_workspace_is_two_requests_however_many_tasks_and_documents(demo, api, ddb_calls):
    deal = deal_id(demo, "park_purchase")
    planned = api.get(f"/v1/deals/{deal}", as_user=CLIENT).json  # what the template already planned
    _add_tasks_and_requests(deal, tasks=60, requests=30)
    ddb_calls.reset()
    reply = api.get(f"/v1/deals/{deal}", as_user=CLIENT)
    assert reply.status == 200
    assert len(reply.json["tasks"]) == len(planned["tasks"]) + 60
    assert len(reply.json["document_requests"]) == len(planned["document_requests"]) + 30
    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, then the whole deal partition


def test_my_deals_is_one_query_plus_the_caller(demo, api, ddb_calls):
    for user in (CLIENT, AGENT, ADMIN):
        ddb_calls.reset()
        assert api.get("/v1/deals", as_user=user).status == 200
        assert ddb_calls.by_operation() == {"Query": 2}, user


def test_pipeline_filter_is_one_query_per_page(demo, api, ddb_calls):
    ddb_calls.reset()
    reply = api.get("/v1/deals?workflow=purchase&stage=due_diligence", as_user=ADMIN)
    assert reply.status == 200 and len(reply.json["items"]) == 1
    assert ddb_calls.by_operation() == {"Query": 2}


def test_activity_page_is_one_query_plus_authorization(demo, api, ddb_calls):
    ddb_calls.reset()
    assert (
        api.get(f"/v1/deals/{deal_id(demo, 'park_purchase')}/activity?limit=5", as_user=CLIENT).status == 200
    )
    assert ddb_calls.by_operation() == {"Query": 3}  # caller, deal + parties, one page


def test_each_mutation_is_one_transaction(demo, api, ddb_calls):
    deal = deal_id(demo, "park_purchase")
    version = api.get(f"/v1/deals/{deal}", as_user=AGENT).json["version"]

    ddb_calls.reset()
    patched = api.patch(
        f"/v1/deals/{deal}",
        {"title": "Reyes purchase (budget)"},
        as_user=AGENT,
        headers={"If-Match": str(version)},
    )
    assert patched.status == 200
    assert ddb_calls.by_operation() == {"Query": 2, "TransactWriteItems": 1}

    ddb_calls.reset()
    invited = api.post(
        f"/v1/deals/{deal}/parties", {"email": "budget@example.com", "role": "title"}, as_user=AGENT
    )
    assert invited.status == 201
    # caller, deal + parties, the invitee (user + staff role in one BatchGetItem), then the write
    assert ddb_calls.by_operation() == {"Query": 2, "BatchGetItem": 1, "TransactWriteItems": 1}

    ddb_calls.reset()
    assert api.delete(f"/v1/deals/{deal}/parties/{invited.json['user_id']}", as_user=AGENT).status == 200
    assert ddb_calls.by_operation() == {"Query": 2, "TransactWriteItems": 1}

    ddb_calls.reset()
    created = api.post("/v1/deals", _new_deal(), as_user=AGENT)
    assert created.status == 201
    # caller, the listed people, the org (its time zone dates the plan), then one write for the deal,
    # its parties and every task and document request the template plans
    assert ddb_calls.by_operation() == {"Query": 1, "BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1}


def _new_deal() -> dict:
    return {
        "workflow": "purchase",
        "title": "Budget purchase",
        "property": {
            "address": {"line1": "1 Budget Way", "city": "Boston", "state": "MA", "postal_code": "02101"}
        },
        "parties": [{"email": "budget.buyer@example.com", "role": "client"}],
    }


def _add_tasks_and_requests(deal: str, *, tasks: int, requests: int) -> None:
    now = clock.now()
    for n in range(tasks):
        TaskItem.from_entity(
            Task(
                deal, ids.new_id("t"), f"Task {n}", "due_diligence", "client", "open", Visibility.PARTIES, now
            )
        ).save()
    for n in range(requests):
        DocumentRequestItem.from_entity(
            DocumentRequest(
                deal, ids.new_id("rq"), "other", f"Document {n}", "requested", Visibility.PARTIES, now
            )
        ).save()
