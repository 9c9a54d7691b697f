"""Costs that stay flat as a brokerage grows (issue 18): the reports page through org-level indexes, a write
reads what it touches, the history reports read only their date range. Volume is written in bulk through
the store (devstack/volume.py); `make bench` runs the same scenarios at 500 and 5,000 deals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import clock
from devstack import volume
from tests.support.demo import ADMIN

COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
CALLER_ITEMS = 2  # the caller's user item and one staff membership


def _grow(seeded, deals: int, work: volume.OpenWork) -> list[str]:
    template = seeded.deals["park_purchase"]
    made = volume.copy_deals(template.deal_id, deals)
    volume.add_open_work(made, seeded.orgs["Harbor & Main Realty"], "purchase", clock.now(), work)
    return made


@pytest.mark.parametrize("deals", [3, 40])
def test_a_report_page_is_one_query_and_one_batch_read_whatever_the_number_of_deals(
    seeded, api, ddb_calls, deals
):
    # Given an org with `deals` more open deals, each with 4 overdue tasks and 4 waiting requests
    _grow(seeded, deals, volume.OpenWork(tasks=8, requests=4, overdue_share=0.5))

    for name in ("overdue-tasks", "missing-documents"):
        # When an ops lead opens the first page of the report
        ddb_calls.reset()
        reply = api.get(f"/v1/admin/reports/{name}?limit=10", as_user=COORDINATOR)

        # Then: the caller, one Query of the org's index, one BatchGetItem of the page's deals — with no cap
        assert reply.status == 200, reply.json
        assert len(reply.json["items"]) == 10 and reply.json["next_cursor"]
        assert ddb_calls.by_operation() == {"Query": 2, "BatchGetItem": 1}, name
        deals_on_page = len({i["deal_id"] for i in reply.json["items"]})
        assert ddb_calls.items_read == CALLER_ITEMS + 10 + deals_on_page, name


def test_the_whole_overdue_report_pages_through_every_open_deal_with_no_cap(seeded, api):
    # Given 30 more open deals with 2 overdue tasks each
    made = set(_grow(seeded, 30, volume.OpenWork(tasks=2, requests=0, overdue_share=1.0)))

    # When the report is read to its end, 25 at a time
    seen: list[dict] = []
    cursor = ""
    while True:
        reply = api.get(f"/v1/admin/reports/overdue-tasks?limit=25{cursor}", as_user=ADMIN)
        assert reply.status == 200
        seen += reply.json["items"]
        if reply.json["next_cursor"] is None:
            break
        cursor = f"&cursor={reply.json['next_cursor']}"

    # Then every overdue task of every new deal is there once, most overdue first
    assert sum(1 for i in seen if i["deal_id"] in made) == 60
    assert len({i["task_id"] for i in seen}) == len(seen)
    assert [i["due_at"] for i in seen] == sorted(i["due_at"] for i in seen)


def test_a_task_write_on_a_300_task_deal_reads_the_deal_team_and_the_task_only(seeded, api, ddb_calls):
    # Given a deal with 300 more tasks and 150 more document requests
    deal = seeded.deals["park_purchase"].deal_id
    volume.add_open_work(
        [deal], seeded.orgs["Harbor & Main Realty"], "purchase", clock.now(), volume.OpenWork(300, 150, 0.0)
    )
    listed = api.get(f"/v1/deals/{deal}/tasks?limit=1", as_user=AGENT).json["items"][0]
    parties = len(api.get(f"/v1/deals/{deal}", as_user=AGENT).json["parties"])

    # When the agent re-dates one task
    ddb_calls.reset()
    reply = api.patch(
        f"/v1/deals/{deal}/tasks/{listed['id']}",
        {"due_at": clock.iso(clock.now() + timedelta(days=3))},
        as_user=AGENT,
        headers={"If-Match": str(listed["version"])},
    )

    # Then the write read the caller, the deal with its parties and that task — not 450 items
    assert reply.status == 200, reply.json
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1, "TransactWriteItems": 1}
    assert ddb_calls.items_read == CALLER_ITEMS + 1 + parties + 1

    # And a message reads the deal team alone
    ddb_calls.reset()
    assert api.post(f"/v1/deals/{deal}/messages", {"body": "hello"}, as_user=AGENT).status == 201
    assert ddb_calls.by_operation() == {"Query": 2, "TransactWriteItems": 1}
    assert ddb_calls.items_read == CALLER_ITEMS + 1 + parties

    # And the task list reads the task prefix, not the requests and documents
    total_tasks = len(api.get(f"/v1/deals/{deal}", as_user=AGENT).json["tasks"])
    ddb_calls.reset()
    tasks = api.get(f"/v1/deals/{deal}/tasks?limit=100", as_user=AGENT)
    assert tasks.status == 200
    assert ddb_calls.by_operation() == {"Query": 3}
    assert ddb_calls.items_read == CALLER_ITEMS + 1 + parties + total_tasks


def test_history_reports_read_only_their_date_range(seeded, api, ddb_calls):
    # Given 200 stage exits and 200 invitations spread over two years
    org = seeded.orgs["Harbor & Main Realty"]
    made = volume.copy_deals(seeded.deals["park_purchase"].deal_id, 200)
    now = clock.now()
    volume.add_stage_exits(made, org, "purchase", "intake", now)
    volume.add_invitations(made, org, "purchase", now)
    last_30 = f"?from={(now - timedelta(days=29)).date().isoformat()}&to={now.date().isoformat()}"

    # When the reports are asked for the last 30 days
    ddb_calls.reset()
    exits = api.get(f"/v1/admin/reports/time-in-stage{last_30}", as_user=COORDINATOR)
    read_exits = ddb_calls.items_read
    ddb_calls.reset()
    funnel = api.get(f"/v1/admin/reports/activation{last_30}", as_user=COORDINATOR)

    # Then only the 30 days' records were read (the range is the key condition), one Query each
    assert exits.status == funnel.status == 200
    intake = next(r for r in exits.json["rows"] if (r["workflow"], r["stage"]) == ("purchase", "intake"))
    assert intake["exits"] >= 30 and exits.json["from"] == (now - timedelta(days=29)).date().isoformat()
    demo_exits = read_exits - CALLER_ITEMS - 30
    assert 0 <= demo_exits < 40, read_exits  # the demo's own walk up its ladders, also in range
    assert ddb_calls.by_operation() == {"Query": 2}
    assert funnel.json["funnel"]["invited"] < 60
