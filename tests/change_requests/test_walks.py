"""Every change request type of every workflow, walked from submission through its approvals to the
change being in effect on the deal."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain import workflows
from tests.change_requests.support import (
    AGENT,
    CLIENT,
    LENDER,
    PEOPLE,
    VENDOR,
    activity,
    deal_with_everyone,
    decide,
    submit,
)
from tests.support.plans import COORDINATOR


def _closing(deal: dict[str, Any]) -> Any:
    return deal["key_dates"]["closing"]


# (workflow, type, submitter, fields, approvers in the order they decide, final status, what the deal shows)
WALKS = [
    (
        "purchase",
        "repair_request",
        CLIENT,
        {"description": "Fix the roof leak"},
        ["agent"],
        "applied",
        lambda d: any(
            r["label"] == "Signed repair addendum" and r["status"] == "requested"
            for r in d["document_requests"]
        ),
    ),
    (
        "purchase",
        "closing_extension",
        AGENT,
        {"new_date": "2027-01-08", "reason": "Appraisal is late"},
        ["client", "coordinator"],
        "applied",
        lambda d: d["key_dates"]["closing"] == "2027-01-08",
    ),
    (
        "purchase",
        "price_amendment",
        AGENT,
        {"price": 512000, "reason": "Appraisal gap"},
        ["client", "coordinator"],
        "applied",
        lambda d: d["price"] == 512000,
    ),
    (
        "purchase",
        "addendum",
        COORDINATOR,
        {"description": "Seller leaves the fridge"},
        ["client", "agent"],
        "applied",
        lambda d: any(r["label"] == "Signed addendum" for r in d["document_requests"]),
    ),
    (
        "purchase",
        "party_change",
        AGENT,
        {"action": "add", "email": LENDER, "role": "lender"},
        ["coordinator"],
        "applied",
        lambda d: any(p["role"] == "lender" for p in d["parties"]),
    ),
    (
        "purchase",
        "document_update",
        AGENT,
        {"document_type": "inspection_report", "reason": "Re-inspection"},
        ["coordinator"],
        "applied",
        lambda d: any(
            r["label"] == "Updated document: Home inspection report" for r in d["document_requests"]
        ),
    ),
    (
        "listing",
        "price_change",
        COORDINATOR,
        {"price": 650000, "reason": "No offers in 3 weeks"},
        ["client", "agent"],
        "applied",
        lambda d: d["price"] == 650000,
    ),
    (
        "listing",
        "showing_instructions",
        COORDINATOR,
        {"instructions": "Lockbox on the side door"},
        ["client"],
        "approved",
        lambda d: True,
    ),
    (
        "lease",
        "move_in_date_change",
        CLIENT,
        {"new_date": "2027-01-05", "reason": "Moving truck"},
        ["coordinator"],
        "applied",
        lambda d: d["key_dates"]["move_in"] == "2027-01-05",
    ),
    (
        "lease",
        "add_occupant",
        CLIENT,
        {"email": "roomie@mail.example", "name": "Robin Roomie"},
        ["agent", "coordinator"],
        "applied",
        lambda d: any(p["role"] == "co_client" for p in d["parties"]),
    ),
    (
        "lease",
        "repair_request",
        CLIENT,
        {"description": "The dishwasher leaks"},
        ["coordinator"],
        "applied",
        lambda d: any(t["title"].startswith("Arrange the repair: The dishwasher") for t in d["tasks"]),
    ),
    (
        "maintenance",
        "reschedule",
        VENDOR,
        {"new_date": "2026-12-14", "reason": "Part on back order"},
        ["client"],
        "applied",
        lambda d: d["key_dates"]["scheduled_for"] == "2026-12-14",
    ),
    (
        "maintenance",
        "cost_approval",
        VENDOR,
        {"amount": 800, "description": "Replace the water heater"},
        ["coordinator", "admin"],
        "approved",
        lambda d: True,
    ),
]


def test_every_declared_type_is_walked():
    declared = {
        (t.workflow, c.key) for t in workflows.registry().templates.values() for c in t.change_requests
    }
    assert declared == {(w[0], w[1]) for w in WALKS}


@pytest.mark.parametrize("walk", WALKS, ids=[f"{w[0]}-{w[1]}" for w in WALKS])
def test_a_change_request_walks_from_submission_through_its_approvals_to_applied(
    seeded, api, ddb_calls, walk
):
    workflow, kind, submitter, fields, approvers, final, shows = walk
    # Given a deal with everyone on it, and the type offered to the submitter with its schema
    deal = deal_with_everyone(api, workflow)
    deal_id = deal["id"]
    offered = api.get(f"/v1/deals/{deal_id}/change-request-types", as_user=submitter).json["items"]
    assert kind in {t["type"] for t in offered}
    assert set(fields) <= set(next(t for t in offered if t["type"] == kind)["fields_schema"]["properties"])

    # When they submit it
    ddb_calls.reset()
    made = submit(api, deal_id, kind, fields, submitter, comment="Please")
    assert made.status == 201, made.json
    budget = {"Query": 2, "TransactWriteItems": 1}  # the caller, the deal and its parties, one write
    if kind == "cost_approval":
        budget["GetItem"] = 1  # the org's own cost-approval threshold
    assert ddb_calls.by_operation() == budget
    cr = made.json
    assert cr["status"] == "submitted"
    assert cr["waiting_on"][0]["role"] == approvers[0]

    # Then the deal waits on the first approver
    waiting = api.get(f"/v1/deals/{deal_id}", as_user=COORDINATOR).json["waiting_on"]
    assert any(w.get("change_request_id") == cr["id"] for w in waiting)

    # When each approver approves in turn
    for i, role in enumerate(approvers):
        ddb_calls.reset()
        reply = decide(api, deal_id, cr["id"], "approve", PEOPLE[role])
        assert reply.status == 200, reply.json
        budget = {"Query": 2, "TransactWriteItems": 1}  # the caller, the workspace, one write
        if i + 1 == len(approvers) and kind in ("party_change", "add_occupant"):
            budget["BatchGetItem"] = 1  # the person approval adds, looked up by email
        assert ddb_calls.by_operation() == budget
        cr = reply.json
        if i + 1 < len(approvers):
            assert cr["status"] == "submitted"

    # Then it is in effect on the deal, and one event names the change and its effects
    assert cr["status"] == final
    assert len(cr["decisions"]) == len(approvers)
    after = api.get(f"/v1/deals/{deal_id}", as_user=COORDINATOR).json
    assert shows(after)
    assert not any(w.get("change_request_id") == cr["id"] for w in after["waiting_on"])
    done = [e for e in activity(api, deal_id) if e["type"] == f"change_request.{final}"]
    assert len(done) == 1
    assert done[0]["data"]["change_request_id"] == cr["id"]
    assert done[0]["data"]["effects"] == cr["effects"]
