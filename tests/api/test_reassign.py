"""Reassigning open tasks: one deal or the whole org, consistent past one transaction, resumable."""

from __future__ import annotations

import pytest

from chalicelib.domain.roles import Visibility
from chalicelib.store import task_owners
from chalicelib.store.models import TaskItem
from tests.support.demo import ADMIN, RIVAL_ADMIN
from tests.support.records import add_task

COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
OTHER_AGENT = "avery.agent@harbormain.example"
RIVAL_COORDINATOR = "rory.coord@rivalrealty.example"
LENDER = "lena@firstharborbank.example"
TITLE = "tom@clearskytitle.example"
VENDOR = "victor@fixitplumbing.example"


@pytest.fixture
def people(seeded, api) -> dict[str, str]:
    emails = {
        "alex": AGENT,
        "avery": OTHER_AGENT,
        "cora": COORDINATOR,
        "lena": LENDER,
        "tom": TITLE,
        "victor": VENDOR,
    }
    return {name: api.get("/v1/me", as_user=email).json["id"] for name, email in emails.items()}


def _open_task_ids(user_id: str) -> set[str]:
    found: set[str] = set()
    start = None
    while True:
        tasks, start = task_owners.open_tasks_page(user_id, limit=100, start=start)
        found |= {t.task_id for t in tasks}
        if start is None:
            return found


def _reassign(api, as_user: str = COORDINATOR, **body):
    return api.post(
        "/v1/admin/tasks/reassign", {"reason": "Alex left the brokerage", **body}, as_user=as_user
    )


def test_an_agent_leaving_hands_every_open_task_of_the_org_to_a_coordinator(seeded, api, people):
    park, listing = seeded.deals["park_purchase"].deal_id, seeded.deals["harbor_listing"].deal_id
    seeded_tasks = _open_task_ids(people["alex"])  # the templates gave the agent tasks on their deals
    cora_before = _open_task_ids(people["cora"])
    open_tasks = {add_task(park, people["alex"]).task_id, add_task(listing, people["alex"]).task_id}
    done = add_task(park, people["alex"], status="done")
    # the sparse index holds open tasks only
    assert _open_task_ids(people["alex"]) == seeded_tasks | open_tasks

    reply = _reassign(api, from_user_id=people["alex"], to_user_id=people["cora"])
    assert reply.status == 200, reply.json
    assert reply.json["failed"] == [] and reply.json["skipped"] == []
    assert reply.json["moved"] == len(seeded_tasks) + 2
    assert {park, listing} <= {d["deal_id"] for d in reply.json["deals"]}

    assert _open_task_ids(people["alex"]) == set()
    assert _open_task_ids(people["cora"]) == cora_before | seeded_tasks | open_tasks
    assert TaskItem.get(*TaskItem.key_for(deal_id=park, task_id=done.task_id)).owner_user_id == people["alex"]
    event = api.get(f"/v1/deals/{park}/activity", as_user=ADMIN).json["items"][0]
    assert event["type"] == "tasks.reassigned" and event["actor"]["label"] == "Cora Diaz"
    assert event["data"]["reason"] == "Alex left the brokerage"
    assert event["data"]["from_user_id"] == people["alex"] and event["data"]["to_user_id"] == people["cora"]

    again = _reassign(api, from_user_id=people["alex"], to_user_id=people["cora"])
    assert again.json["moved"] == 0 and again.json["deals"] == []


def _open_on(user_id: str, deal_id: str) -> set[str]:
    tasks, _ = task_owners.open_tasks_page(user_id, limit=100, start=None)
    return {t.task_id for t in tasks if t.deal_id == deal_id}


def test_one_deal_only_and_never_another_orgs_deal(seeded, api, people, ddb_calls):
    park, rival = seeded.deals["park_purchase"].deal_id, seeded.deals["rival_purchase"].deal_id
    ours = {add_task(park, people["lena"], owner_role="lender").task_id} | _open_on(people["lena"], park)
    theirs = {add_task(rival, people["lena"], owner_role="lender").task_id} | _open_on(people["lena"], rival)
    toms = _open_task_ids(people["tom"])

    ddb_calls.reset()
    reply = _reassign(api, from_user_id=people["lena"], to_user_id=people["tom"], deal_id=park)
    assert reply.status == 200 and reply.json["moved"] == len(ours)
    # caller, deal header, the new owner (by id, then their roles), the deal, one transaction
    assert ddb_calls.by_operation() == {"Query": 5, "TransactWriteItems": 1}
    assert _open_task_ids(people["tom"]) == toms | ours
    assert _open_task_ids(people["lena"]) == theirs

    # org-wide from the rival org's side moves only the rival's tasks
    dana = api.get("/v1/me", as_user="dana.client@mail.example").json["id"]
    org_wide = _reassign(api, as_user=RIVAL_ADMIN, from_user_id=people["lena"], to_user_id=dana)
    assert org_wide.json["moved"] == len(theirs) and [d["deal_id"] for d in org_wide.json["deals"]] == [rival]


def test_a_new_owner_who_is_not_on_the_deal_is_skipped_and_told_why(seeded, api, people):
    park = seeded.deals["park_purchase"].deal_id
    task = add_task(park, people["alex"])
    before = _open_task_ids(people["alex"])
    reply = _reassign(api, from_user_id=people["alex"], to_user_id=people["avery"])
    assert reply.json["moved"] == 0
    skipped = {d["deal_id"]: d for d in reply.json["skipped"]}
    assert skipped[park]["reason"] == "not_a_party" and task.task_id in skipped[park]["task_ids"]
    assert skipped[park]["title"] == "Reyes purchase — 14 Elm St"
    assert _open_task_ids(people["alex"]) == before


def test_a_vendor_swap_moves_the_restricted_work_order_with_its_owner(seeded, api, people):
    sink = seeded.deals["sink_repair"].deal_id
    order = add_task(
        sink,
        people["victor"],
        owner_role="vendor",
        visibility=Visibility.RESTRICTED,
        restricted_to=(people["victor"],),
    )
    victors = _open_on(people["victor"], sink)  # the seeded work orders, and this one
    reply = _reassign(api, from_user_id=people["victor"], to_user_id=people["cora"], deal_id=sink)
    assert reply.json["moved"] == len(victors) and order.task_id in victors
    stored = TaskItem.get(*TaskItem.key_for(deal_id=sink, task_id=order.task_id))
    assert stored.owner_user_id == people["cora"] and list(stored.restricted_to) == [people["cora"]]
    assert api.get(f"/v1/deals/{sink}", as_user=VENDOR).json["tasks"] == []


def test_more_tasks_than_one_transaction_move_in_chunks_and_a_rerun_finishes_the_job(
    seeded, api, people, ddb_calls
):
    park = seeded.deals["park_purchase"].deal_id
    _reassign(api, from_user_id=people["alex"], to_user_id=people["cora"])  # the seeded ones out of the way
    cora_before = _open_task_ids(people["cora"])
    tasks = [add_task(park, people["alex"], title=f"Task {n}") for n in range(120)]
    # one task changes under our feet between the plan and the write of its chunk
    from chalicelib.services import reassign as service

    original = service._move_chunk
    calls = {"n": 0}

    def flaky(ws, chunk, found, actor):
        calls["n"] += 1
        if calls["n"] == 2:
            item = TaskItem.get(*TaskItem.key_for(deal_id=park, task_id=chunk[0].task_id))
            item.update(actions=[TaskItem.version.set(item.version + 1)])
        original(ws, chunk, found, actor)

    service._move_chunk = flaky
    try:
        ddb_calls.reset()
        first = _reassign(api, from_user_id=people["alex"], to_user_id=people["cora"])
    finally:
        service._move_chunk = original
    assert first.json["failed"][0]["code"] == "task_changed"
    moved_first = first.json["moved"]
    assert 0 < moved_first < 120
    assert len(_open_task_ids(people["cora"]) - cora_before) == moved_first  # the failed chunk wrote nothing

    second = _reassign(api, from_user_id=people["alex"], to_user_id=people["cora"])
    assert second.json["failed"] == [] and second.json["moved"] == 120 - moved_first
    assert _open_task_ids(people["cora"]) - cora_before == {t.task_id for t in tasks}
    events = [
        e
        for e in api.get(f"/v1/deals/{park}/activity?limit=10", as_user=ADMIN).json["items"]
        if e["type"] == "tasks.reassigned"
    ]
    mine = {t.task_id for t in tasks}
    assert sum(len(set(e["data"]["task_ids"]) & mine) for e in events) == 120


def test_reassigning_is_for_ops_of_the_org(seeded, api, people):
    park = seeded.deals["park_purchase"].deal_id
    add_task(park, people["alex"])
    body = {"from_user_id": people["alex"], "to_user_id": people["cora"]}
    assert _reassign(api, as_user=AGENT, **body).status == 403
    assert _reassign(api, as_user=RIVAL_COORDINATOR, deal_id=park, **body).status == 404
    harbor = api.get("/v1/me", as_user=ADMIN).json["staff"][0]["org_id"]
    assert _reassign(api, as_user=RIVAL_COORDINATOR, org_id=harbor, **body).status == 404
    assert _reassign(api, as_user=LENDER, deal_id=park, **body).status == 404
    assert _open_task_ids(people["alex"]) != set()
    same = _reassign(api, from_user_id=people["alex"], to_user_id=people["alex"])
    assert same.status == 422 and same.error_code == "same_user"
