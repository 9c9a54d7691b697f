"""Moving a key date moves what was planned from it: open tasks and document requests follow, done work
stays where it was, and one activity event says what moved."""

from __future__ import annotations

from tests.support.plans import COORDINATOR, complete, open_deal, task_by_key, workspace

CLIENT = "kd.buyer@example.com"


def _derived_from(ws, anchor_titles):
    return {t["title"]: t["due_at"] for t in ws["tasks"] if t["title"] in anchor_titles}


def test_moving_the_closing_re_dates_every_open_item_derived_from_it_in_one_write(seeded, api, ddb_calls):
    deal = open_deal(api, "purchase", [{"email": CLIENT, "role": "client"}], {"offer_accepted": "2026-12-01"})
    deal_id = deal["id"]
    assert deal["key_dates"]["closing"] == "2026-12-31"  # derived: offer accepted + 30 days
    ws = workspace(api, deal_id)
    walkthrough = task_by_key(ws, deal_id, "final_walkthrough")
    assert walkthrough["due_at"] == "2026-12-30T22:00:00.000Z"  # the day before, 5 pm in Boston
    signing = task_by_key(ws, deal_id, "sign_closing_documents")
    assert complete(api, deal_id, signing).status == 200  # done early: must not move
    disclosure = next(r for r in ws["document_requests"] if r["type"] == "closing_disclosure")
    inspection = task_by_key(ws, deal_id, "attend_inspection")

    version = workspace(api, deal_id)["version"]
    ddb_calls.reset()
    moved = api.patch(
        f"/v1/deals/{deal_id}",
        {"key_dates": {"closing": "2027-01-08"}},
        as_user=COORDINATOR,
        headers={"If-Match": str(version)},
    )
    assert moved.status == 200
    assert ddb_calls.by_operation() == {"Query": 2, "TransactWriteItems": 1}  # caller, workspace, one write

    after = workspace(api, deal_id)
    assert task_by_key(after, deal_id, "final_walkthrough")["due_at"] == "2027-01-07T22:00:00.000Z"
    assert next(r for r in after["document_requests"] if r["type"] == "closing_disclosure")["due_at"] == (
        "2027-01-05T22:00:00.000Z"
    )
    assert disclosure["due_at"] == "2026-12-28T22:00:00.000Z"
    untouched = task_by_key(after, deal_id, "sign_closing_documents")
    assert (untouched["status"], untouched["due_at"]) == ("done", signing["due_at"])
    assert task_by_key(after, deal_id, "attend_inspection")["due_at"] == inspection["due_at"]  # other anchor

    events = [
        e
        for e in api.get(f"/v1/deals/{deal_id}/activity", as_user=COORDINATOR).json["items"]
        if e["type"] == "deal.key_date_changed"
    ]
    assert len(events) == 1
    data = events[0]["data"]
    assert (data["key_date"], data["from"], data["to"]) == ("closing", "2026-12-31", "2027-01-08")
    moved_titles = {m["title"]: (m["from"], m["to"]) for m in data["moved"]}
    assert moved_titles["Final walkthrough of the home"] == (
        "2026-12-30T22:00:00.000Z",
        "2027-01-07T22:00:00.000Z",
    )
    assert "Sign the closing documents" not in moved_titles
    # internal items moved too, but only staff read about them
    assert any(m["title"].startswith("Approve the commission") for m in data["internal"]["moved"])


def test_moving_a_base_date_moves_the_dates_derived_from_it(seeded, api):
    deal = open_deal(api, "purchase", [{"email": CLIENT, "role": "client"}], {"offer_accepted": "2026-12-01"})
    moved = api.patch(
        f"/v1/deals/{deal['id']}",
        {"key_dates": {"offer_accepted": "2026-12-03"}},
        as_user=COORDINATOR,
        headers={"If-Match": "1"},
    )
    assert moved.status == 200
    assert moved.json["key_dates"]["inspection_deadline"] == "2026-12-13"
    assert moved.json["key_dates"]["closing"] == "2027-01-02"
    inspection = task_by_key(moved.json, deal["id"], "resolve_inspection")
    assert inspection["due_at"] == "2026-12-13T22:00:00.000Z"


def test_an_unknown_key_date_is_refused_and_nothing_moves(seeded, api):
    deal = open_deal(api, "purchase", [{"email": CLIENT, "role": "client"}], {"offer_accepted": "2026-12-01"})
    refused = api.patch(
        f"/v1/deals/{deal['id']}",
        {"key_dates": {"moving_day": "2027-01-01"}},
        as_user=COORDINATOR,
        headers={"If-Match": "1"},
    )
    assert refused.status == 422 and refused.error_code == "unknown_key_date"
    assert workspace(api, deal["id"])["version"] == 1


def test_a_coordinator_marks_a_key_date_move_critical_and_an_agent_may_not(seeded, api):
    deal = open_deal(api, "purchase", [{"email": CLIENT, "role": "client"}], {"offer_accepted": "2026-12-01"})
    on_their_deal = seeded.deals["park_purchase"].deal_id  # the agent is a party here
    version = workspace(api, on_their_deal)["version"]
    agent = api.patch(
        f"/v1/deals/{on_their_deal}",
        {"key_dates": {"closing": "2027-01-08"}, "critical": True},
        as_user="alex.agent@harbormain.example",
        headers={"If-Match": str(version)},
    )
    assert agent.status == 403
    assert workspace(api, on_their_deal)["version"] == version  # nothing moved
    moved = api.patch(
        f"/v1/deals/{deal['id']}",
        {"key_dates": {"closing": "2027-01-08"}, "critical": True},
        as_user=COORDINATOR,
        headers={"If-Match": "1"},
    )
    assert moved.status == 200
    event = next(
        e
        for e in api.get(f"/v1/deals/{deal['id']}/activity", as_user=COORDINATOR).json["items"]
        if e["type"] == "deal.key_date_changed"
    )
    assert event["data"]["critical"] is True
