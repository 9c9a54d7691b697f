"""Deals larger than one DynamoDB transaction (100 items): how they stay consistent.

Opening: the plan's tasks go first, in transactions of their own, and the deal item last — until the deal
item lands nothing can reach the tasks, so a failure leaves no half-opened deal. Closing: the stage change
lands first with as many cancellations as fit; the rest follow at once, each guarded by its own condition.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.domain import workflows
from chalicelib.domain.errors import Unavailable
from chalicelib.domain.templates.build import stage, task
from chalicelib.store import unit_of_work
from tests.support.plans import COORDINATOR, open_deal, workspace

BULK = workflows.WorkflowTemplate(
    workflow="bulk_test",
    version=1,
    title="A very long checklist",
    stages=(
        stage("start", "Start", "Begin."),
        stage("done", "Done", "Finished.", terminal=True),
        stage("dropped", "Dropped", "Dropped.", exit=True),
    ),
    tasks=tuple(task(f"step_{n}", f"Step {n}", "start", "client") for n in range(70)),
)
PARTIES = [{"email": f"crowd{n}@example.com", "role": "co_client"} for n in range(19)] + [
    {"email": "crowd.lead@example.com", "role": "client"}
]


@pytest.fixture
def bulk_template() -> Iterator[None]:
    registry = workflows.registry()
    registry.add(BULK)
    yield
    registry.templates.pop((BULK.workflow, BULK.version))


def test_a_deal_past_100_items_opens_whole(seeded, api, ddb_calls, bulk_template):
    ddb_calls.reset()
    deal = open_deal(api, "bulk_test", PARTIES)
    # deal, property, coordinator + 20 parties, 20 new users, first stage change, event, 70 tasks = 115
    assert ddb_calls.by_operation()["TransactWriteItems"] == 2
    ws = workspace(api, deal["id"])
    assert len(ws["tasks"]) == 70 and len(ws["parties"]) == 21


def test_when_the_deal_item_fails_to_land_nothing_is_reachable(seeded, api, monkeypatch, bulk_template):
    real = unit_of_work._transact
    calls = []

    def fail_on_the_deal(staged, token):
        calls.append(len(staged))
        if any(s.item is not None and type(s.item).__name__ == "DealItem" for s in staged):
            raise Unavailable("the database is busy", code="retry_later")
        real(staged, token)

    monkeypatch.setattr(unit_of_work, "_transact", fail_on_the_deal)
    reply = api.post(
        "/v1/deals",
        {
            "workflow": "bulk_test",
            "title": "Never opened",
            "property": {
                "address": {"line1": "1 Nowhere", "city": "Boston", "state": "MA", "postal_code": "02101"}
            },
            "parties": PARTIES,
        },
        as_user=COORDINATOR,
    )
    assert reply.status == 503 and len(calls) == 2  # the tasks went ahead; the deal did not land
    monkeypatch.setattr(unit_of_work, "_transact", real)
    titles = {d["title"] for d in api.get("/v1/deals?limit=100", as_user=COORDINATOR).json["items"]}
    assert "Never opened" not in titles
    assert api.get("/v1/deals", as_user="crowd.lead@example.com").json["items"] == []


def test_closing_a_deal_past_100_items_cancels_everything_open(seeded, api, ddb_calls, bulk_template):
    deal = open_deal(api, "bulk_test", PARTIES)
    for n in range(30):
        assert (
            api.post(f"/v1/deals/{deal['id']}/tasks", {"title": f"Extra {n}"}, as_user=COORDINATOR).status
            == 201
        )
    ddb_calls.reset()
    dropped = api.post(
        f"/v1/deals/{deal['id']}/transitions",
        {"to": "dropped", "reason": "Client walked away"},
        as_user=COORDINATOR,
    )
    assert dropped.status == 200
    assert (
        ddb_calls.by_operation()["TransactWriteItems"] == 2
    )  # the stage change, then the rest of the cancellations
    ws = workspace(api, deal["id"])
    assert len(ws["tasks"]) == 100 and {t["status"] for t in ws["tasks"]} == {"cancelled"}
