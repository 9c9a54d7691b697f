"""Stage changes as a coordinator, an agent and a client meet them: refusals that say what is missing,
overrides that leave a trace, exits that close the deal's open work, and a history clients can read."""

from __future__ import annotations

from chalicelib.domain import workflows
from tests.support.demo import ADMIN
from tests.support.plans import COORDINATOR, open_deal, workspace

AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"
PURCHASE = workflows.latest("purchase")


def _moves(api, deal, body, as_user):
    return api.post(f"/v1/deals/{deal}/transitions", body, as_user=as_user)


def test_advancing_with_unmet_work_lists_exactly_what_is_missing(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id  # in due diligence, nothing of it done yet
    refused = _moves(api, deal, {"to": "financing"}, AGENT)
    assert refused.status == 409 and refused.error_code == "definition_of_done_unmet"
    missing = refused.json["error"]["details"]["missing"]
    assert [(m["kind"], m.get("type") or m.get("key"), m["status"]) for m in missing] == [
        ("document", "inspection_report", "requested"),
        ("task", "review_inspection", "open"),
        ("task", "resolve_inspection", "open"),
    ]
    assert missing[0]["label"] == "Home inspection report"
    assert workspace(api, deal)["stage"] == "due_diligence"


def test_a_coordinator_overrides_with_a_reason_and_the_unmet_items_are_recorded(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    moved = _moves(
        api, deal, {"to": "financing", "override": True, "reason": "Buyer waived inspection"}, COORDINATOR
    )
    assert moved.status == 200 and moved.json["stage"] == "financing"
    last = moved.json["stage_history"][-1]
    assert (last["from"], last["to"], last["override"], last["reason"]) == (
        "due_diligence",
        "financing",
        True,
        "Buyer waived inspection",
    )
    assert "document: Home inspection report (requested)" in last["unmet"] and len(last["unmet"]) == 3
    event = api.get(f"/v1/deals/{deal}/activity?limit=1", as_user=COORDINATOR).json["items"][0]
    assert event["type"] == "deal.stage_changed" and event["data"]["override"] is True
    assert event["data"]["internal"]["reason"] == "Buyer waived inspection"
    # the client reads the same history in plain words, without the internal reason or unmet list
    seen = workspace(api, deal, as_user=CLIENT)["stage_history"][-1]
    assert seen["summary"] == "Moved from Inspections to Financing"
    assert "reason" not in seen and "unmet" not in seen and "override" not in seen
    client_event = api.get(f"/v1/deals/{deal}/activity?limit=1", as_user=CLIENT).json["items"][0]
    assert "internal" not in client_event["data"]


def test_an_agent_may_not_override_and_an_override_needs_a_reason(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    agent = _moves(api, deal, {"to": "financing", "override": True, "reason": "Trust me"}, AGENT)
    assert agent.status == 403 and agent.error_code == "override_not_allowed"
    silent = _moves(api, deal, {"to": "financing", "override": True}, ADMIN)
    assert silent.status == 422 and silent.error_code == "reason_required"
    client = _moves(api, deal, {"to": "financing"}, CLIENT)
    assert client.status == 403
    assert workspace(api, deal)["stage"] == "due_diligence"
    history = workspace(api, deal)["stage_history"]
    assert history[-1]["to"] == "due_diligence"  # nothing recorded by the refusals


def test_skipping_ahead_or_going_back_needs_an_override(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    skip = _moves(api, deal, {"to": "closing"}, AGENT)
    assert skip.status == 409 and skip.error_code == "not_the_next_stage"
    assert skip.json["error"]["details"]["next"] == "financing"
    back = _moves(
        api, deal, {"to": "under_contract", "override": True, "reason": "Contract re-signed"}, COORDINATOR
    )
    assert back.status == 200 and back.json["stage"] == "under_contract"
    assert back.json["stage_history"][-1]["unmet"] == []  # going back leaves nothing undone behind
    unknown = _moves(api, deal, {"to": "escrow"}, AGENT)
    assert unknown.status == 422 and unknown.error_code == "unknown_stage"


def test_cancelling_needs_a_reason_and_closes_every_open_task_and_request(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    assert _moves(api, deal, {"to": "cancelled"}, AGENT).status == 422
    before = workspace(api, deal)
    open_before = [t for t in before["tasks"] if t["status"] == "open"]
    done_before = {t["id"] for t in before["tasks"] if t["status"] == "done"}
    cancelled = _moves(api, deal, {"to": "cancelled", "reason": "Financing fell through"}, AGENT)
    assert cancelled.status == 200
    ws = cancelled.json
    assert ws["stage"] == "cancelled" and ws["terminal"] is True
    assert open_before and all(t["status"] == "cancelled" for t in ws["tasks"] if t["id"] not in done_before)
    assert {t["id"] for t in ws["tasks"] if t["status"] == "done"} == done_before  # done work is kept
    assert {r["status"] for r in ws["document_requests"]} <= {"approved", "cancelled"}
    assert workspace(api, deal, as_user=CLIENT)["next_step"] == PURCHASE.stage("cancelled").next_step
    # tasks of a closed deal no longer move
    task = next(t for t in ws["tasks"] if t["status"] == "cancelled")
    reopen = api.patch(
        f"/v1/deals/{deal}/tasks/{task['id']}",
        {"status": "open"},
        as_user=AGENT,
        headers={"If-Match": str(task["version"])},
    )
    assert reopen.status == 409 and reopen.error_code == "deal_closed"


def test_items_due_after_stage_entry_get_their_date_when_the_stage_is_entered(seeded, api):
    deal = open_deal(api, "purchase", [{"email": "entry.buyer@example.com", "role": "client"}])
    loan_docs = next(r for r in deal["document_requests"] if r["type"] == "loan_documents")
    assert loan_docs["due_at"] is None  # financing is not reached yet
    moved = _moves(
        api, deal["id"], {"to": "financing", "override": True, "reason": "Imported mid-deal"}, COORDINATOR
    )
    dated = next(r for r in moved.json["document_requests"] if r["type"] == "loan_documents")
    entered = moved.json["stage_history"][-1]["at"]
    assert dated["due_at"] is not None and dated["due_at"][:10] >= entered[:10]


def test_a_transition_is_one_transaction_after_the_caller_and_workspace_reads(seeded, api, ddb_calls):
    deal = seeded.deals["park_purchase"].deal_id
    ddb_calls.reset()
    assert (
        _moves(api, deal, {"to": "financing", "override": True, "reason": "Budget check"}, COORDINATOR).status
        == 200
    )
    assert ddb_calls.by_operation() == {"Query": 2, "TransactWriteItems": 1}
    ddb_calls.reset()
    assert _moves(api, deal, {"to": "cancelled", "reason": "Budget check"}, COORDINATOR).status == 200
    # closing also reads the deal's document versions once, to archive their files after the commit
    assert ddb_calls.by_operation() == {"Query": 3, "TransactWriteItems": 1}


def test_a_stale_if_match_on_a_transition_is_refused(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    version = workspace(api, deal)["version"]
    stale = api.post(
        f"/v1/deals/{deal}/transitions",
        {"to": "cancelled", "reason": "Old tab"},
        as_user=AGENT,
        headers={"If-Match": str(version - 1)},
    )
    assert stale.status == 412
    assert workspace(api, deal)["stage"] == "due_diligence"


def test_leaving_a_stage_feeds_the_time_in_stage_report(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id

    def due_diligence_exits() -> int:
        rows = api.get("/v1/admin/reports/time-in-stage?workflow=purchase", as_user=COORDINATOR).json["rows"]
        return next((r["exits"] for r in rows if r["stage"] == "due_diligence"), 0)

    before = due_diligence_exits()
    assert (
        _moves(api, deal, {"to": "financing", "override": True, "reason": "Waived"}, COORDINATOR).status
        == 200
    )
    assert due_diligence_exits() == before + 1
