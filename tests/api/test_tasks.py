"""Tasks as their owners and the deal team use them: dependencies, proof, who may change what, vendor
work orders, and who sees which task."""

from __future__ import annotations

from tests.support.plans import COORDINATOR, complete, task_by_key, workspace

AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"
LENDER = "lena@firstharborbank.example"
TITLE = "tom@clearskytitle.example"
VENDOR = "victor@fixitplumbing.example"
TENANT = "tara.tenant@mail.example"


def _patch(api, deal, task, body, as_user, version=None):
    return api.patch(
        f"/v1/deals/{deal}/tasks/{task['id']}",
        body,
        as_user=as_user,
        headers={"If-Match": str(version if version is not None else task["version"])},
    )


def test_a_task_cannot_be_completed_before_its_dependencies_and_needs_its_proof(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    ws = workspace(api, deal, as_user=CLIENT)
    review = task_by_key(ws, deal, "review_inspection")
    blocked = _patch(api, deal, review, {"status": "done", "proof": {"note": "Looks fine"}}, CLIENT)
    assert blocked.status == 409 and blocked.error_code == "dependencies_open"
    assert [t["title"] for t in blocked.json["error"]["details"]["open"]] == ["Attend the inspection"]

    schedule = task_by_key(ws, deal, "schedule_inspection")
    assert complete(api, deal, schedule, as_user=AGENT).status == 200
    attend = task_by_key(ws, deal, "attend_inspection")
    assert complete(api, deal, attend, as_user=CLIENT).status == 200

    no_note = _patch(api, deal, review, {"status": "done"}, CLIENT)
    assert no_note.status == 422 and no_note.error_code == "proof_required"
    done = _patch(api, deal, review, {"status": "done", "proof": {"note": "Roof needs a look"}}, CLIENT)
    assert done.status == 200
    assert (done.json["status"], done.json["proof"]) == ("done", {"note": "Roof needs a look"})
    assert done.headers["ETag"] == f'"{review["version"] + 1}"'
    event = api.get(f"/v1/deals/{deal}/activity?limit=1", as_user=AGENT).json["items"][0]
    assert event["type"] == "task.completed" and event["data"]["title"] == review["title"]


def test_owners_only_complete_their_own_tasks_and_the_team_changes_the_rest(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    ws = workspace(api, deal, as_user=CLIENT)
    agents_task = task_by_key(ws, deal, "schedule_inspection")
    not_mine = _patch(api, deal, agents_task, {"status": "done"}, CLIENT)
    assert not_mine.status == 403 and not_mine.error_code == "not_your_task"
    own = task_by_key(ws, deal, "attend_inspection")
    redate = _patch(api, deal, own, {"due_at": "2027-01-01T15:00:00Z"}, CLIENT)
    assert redate.status == 403 and redate.error_code == "owner_may_only_complete"
    cancel = _patch(api, deal, own, {"status": "cancelled"}, CLIENT)
    assert cancel.status == 403
    # the agent re-dates it; a date set by hand is kept (it no longer follows its key date)
    moved = _patch(api, deal, own, {"due_at": "2027-01-01T15:00:00Z"}, AGENT)
    assert moved.status == 200 and moved.json["due_at"] == "2027-01-01T15:00:00.000Z"
    stale = _patch(api, deal, own, {"title": "Attend it"}, AGENT, version=own["version"])
    assert stale.status == 412


def test_clients_never_see_internal_tasks(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    staff_view = workspace(api, deal, as_user=AGENT)
    internal = [t for t in staff_view["tasks"] if t["visibility"] == "internal"]
    assert {t["title"] for t in internal} >= {"Compliance review of the transaction file"}
    for viewer in (CLIENT, LENDER, TITLE):
        seen = workspace(api, deal, as_user=viewer)["tasks"]
        listed = api.get(f"/v1/deals/{deal}/tasks?limit=100", as_user=viewer).json["items"]
        assert not {t["id"] for t in internal} & ({t["id"] for t in seen} | {t["id"] for t in listed})
        # and an internal task's id answers 404, as if it did not exist
        assert _patch(api, deal, internal[0], {"status": "done"}, viewer).status == 404


def test_a_cycle_is_refused(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    ws = workspace(api, deal, as_user=AGENT)
    first = task_by_key(ws, deal, "schedule_inspection")
    last = task_by_key(ws, deal, "resolve_inspection")
    looped = _patch(api, deal, first, {"depends_on": [last["id"]]}, AGENT)
    assert looped.status == 422 and looped.error_code == "dependency_cycle"
    assert first["id"] in looped.json["error"]["details"]["cycle"]
    itself = _patch(api, deal, first, {"depends_on": [first["id"]]}, AGENT)
    assert itself.status == 422


def test_the_team_adds_tasks_for_everyone_or_for_one_party(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    lender = next(p for p in workspace(api, deal, as_user=AGENT)["parties"] if p["role"] == "lender")
    shared = api.post(
        f"/v1/deals/{deal}/tasks",
        {
            "title": "Send the HOA questionnaire",
            "owner_user_id": lender["user_id"],
            "due_at": "2026-12-20T17:00:00-05:00",
        },
        as_user=AGENT,
    )
    assert shared.status == 201
    assert (shared.json["owner_role"], shared.json["due_at"]) == ("lender", "2026-12-20T22:00:00.000Z")
    private = api.post(
        f"/v1/deals/{deal}/tasks",
        {"title": "Rate lock paperwork", "owner_user_id": lender["user_id"], "visibility": "restricted"},
        as_user=AGENT,
    )
    assert private.status == 201
    client_sees = {t["id"] for t in workspace(api, deal, as_user=CLIENT)["tasks"]}
    lender_sees = {t["id"] for t in workspace(api, deal, as_user=LENDER)["tasks"]}
    assert shared.json["id"] in client_sees and private.json["id"] not in client_sees
    assert {shared.json["id"], private.json["id"]} <= lender_sees
    assert api.post(f"/v1/deals/{deal}/tasks", {"title": "Mine"}, as_user=CLIENT).status == 403
    bad = api.post(
        f"/v1/deals/{deal}/tasks", {"title": "Ghost", "depends_on": ["tk_" + "a" * 26]}, as_user=AGENT
    )
    assert bad.status == 422 and bad.error_code == "unknown_dependency"


def test_a_vendor_sees_only_their_own_work_orders_and_accepts_one(seeded, api):
    deal = seeded.deals["sink_repair"].deal_id  # vendor assigned
    vendor_ws = workspace(api, deal, as_user=VENDOR)
    vendor_id = api.get("/v1/me", as_user=VENDOR).json["id"]
    assert vendor_ws["tasks"] and {t["owner_user_id"] for t in vendor_ws["tasks"]} == {vendor_id}
    assert "price" not in vendor_ws and {r["type"] for r in vendor_ws["document_requests"]} == {
        "completion_proof"
    }
    order = task_by_key(vendor_ws, deal, "accept_work_order")
    assert order["work_order"] == {"assignment": "pending"}
    accepted = _patch(api, deal, order, {"response": "accept"}, VENDOR)
    assert accepted.status == 200
    assert accepted.json["work_order"] == {"assignment": "accepted"} and accepted.json["status"] == "done"
    again = _patch(api, deal, accepted.json, {"response": "decline", "reason": "Too far"}, VENDOR)
    assert again.status == 409
    tenant_log = api.get(f"/v1/deals/{deal}/activity?limit=1", as_user=TENANT).json["items"][0]
    assert tenant_log["type"] == "task.accepted"


def test_a_vendor_who_declines_gives_back_the_work_order_with_a_reason(seeded, api):
    deal = seeded.deals["sink_repair"].deal_id
    order = task_by_key(workspace(api, deal, as_user=VENDOR), deal, "accept_work_order")
    no_reason = _patch(api, deal, order, {"response": "decline"}, VENDOR)
    assert no_reason.status == 422 and no_reason.error_code == "reason_required"
    declined = _patch(api, deal, order, {"response": "decline", "reason": "Booked solid this week"}, VENDOR)
    assert declined.status == 200
    assert workspace(api, deal, as_user=VENDOR)["tasks"] == []  # nothing of theirs is left
    staff = workspace(api, deal, as_user=COORDINATOR)
    back = task_by_key(staff, deal, "accept_work_order")
    assert back["owner_user_id"] is None and back["work_order"]["decline_reason"] == "Booked solid this week"
    assert task_by_key(staff, deal, "schedule_visit")["owner_user_id"] is None


def test_a_task_change_is_one_transaction_after_reading_the_deal_team_and_the_task(seeded, api, ddb_calls):
    deal = seeded.deals["park_purchase"].deal_id
    ws = workspace(api, deal, as_user=AGENT)
    task = task_by_key(ws, deal, "schedule_inspection")
    ddb_calls.reset()
    assert complete(api, deal, task, as_user=AGENT).status == 200
    # the caller, the deal with its parties, the task itself (not the workspace), then one write
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1, "TransactWriteItems": 1}
    caller_items = 2  # the agent's user item and staff membership
    assert ddb_calls.items_read == caller_items + 1 + len(ws["parties"]) + 1
