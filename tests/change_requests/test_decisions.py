"""Rejection, asking for changes and resubmitting, withdrawal, a deal that moved meanwhile, two approvers
at once, and who sees what."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import Conflict
from chalicelib.services import change_requests as service
from chalicelib.store import deals as deal_store
from tests.change_requests.support import (
    ADMIN,
    AGENT,
    CLIENT,
    LENDER,
    VENDOR,
    activity,
    deal_with_everyone,
    decide,
    submit,
)
from tests.support.plans import COORDINATOR, join

EXTENSION = {"new_date": "2027-01-08", "reason": "Appraisal is late"}


def _cr(api, deal_id, cr_id, as_user=COORDINATOR):
    return api.get(f"/v1/deals/{deal_id}/change-requests/{cr_id}", as_user=as_user)


def test_a_rejected_request_changes_nothing_and_the_submitter_is_told(seeded, api):
    deal = deal_with_everyone(api, "purchase")
    cr = submit(api, deal["id"], "closing_extension", EXTENSION, AGENT).json
    rejected = decide(api, deal["id"], cr["id"], "reject", CLIENT, comment="We need to close on time")
    assert rejected.status == 200
    assert rejected.json["status"] == "rejected"
    assert (
        api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["key_dates"]["closing"] == "2026-12-31"
    )
    event = next(e for e in activity(api, deal["id"]) if e["type"] == "change_request.rejected")
    assert event["data"]["comment"] == "We need to close on time"
    assert event["restricted_to"] == [cr["submitted_by"]["user_id"]]  # the submitter hears the outcome
    again = decide(api, deal["id"], cr["id"], "approve", COORDINATOR)
    assert (again.status, again.error_code) == (409, "change_request_closed")


def test_changes_asked_for_then_resubmitted_start_a_new_round(seeded, api):
    deal = deal_with_everyone(api, "purchase")
    cr = submit(api, deal["id"], "closing_extension", EXTENSION, AGENT).json
    assert decide(api, deal["id"], cr["id"], "approve", CLIENT).json["status"] == "submitted"
    asked = decide(api, deal["id"], cr["id"], "request_changes", COORDINATOR, comment="A week is too long")
    assert asked.json["status"] == "changes_requested"
    assert asked.json["waiting_on"] == [{"role": "submitter", "user_ids": [cr["submitted_by"]["user_id"]]}]

    not_yours = api.post(
        f"/v1/deals/{deal['id']}/change-requests/{cr['id']}/resubmissions",
        {"fields": {"new_date": "2027-01-04", "reason": "Four days"}},
        as_user=CLIENT,
    )
    assert (not_yours.status, not_yours.error_code) == (403, "not_the_submitter")
    again = api.post(
        f"/v1/deals/{deal['id']}/change-requests/{cr['id']}/resubmissions",
        {"fields": {"new_date": "2027-01-04", "reason": "Four days"}},
        as_user=AGENT,
    )
    assert again.status == 200, again.json
    assert (again.json["status"], again.json["round"]) == ("submitted", 2)
    # the client's approval was for the first round: both approve again
    assert {w["role"] for w in again.json["waiting_on"]} == {"client", "coordinator"}
    decide(api, deal["id"], cr["id"], "approve", CLIENT)
    done = decide(api, deal["id"], cr["id"], "approve", COORDINATOR)
    assert done.json["status"] == "applied"
    assert api.get(f"/v1/deals/{deal['id']}", as_user=CLIENT).json["key_dates"]["closing"] == "2027-01-04"


def test_the_submitter_withdraws_and_nobody_can_decide_any_more(seeded, api):
    deal = deal_with_everyone(api, "purchase")
    cr = submit(api, deal["id"], "closing_extension", EXTENSION, AGENT).json
    refused = api.post(f"/v1/deals/{deal['id']}/change-requests/{cr['id']}/withdraw", as_user=CLIENT)
    assert (refused.status, refused.error_code) == (403, "not_the_submitter")
    gone = api.post(f"/v1/deals/{deal['id']}/change-requests/{cr['id']}/withdraw", as_user=AGENT)
    assert gone.status == 200
    assert (gone.json["status"], gone.json["waiting_on"]) == ("withdrawn", [])
    late = decide(api, deal["id"], cr["id"], "approve", CLIENT)
    assert (late.status, late.error_code) == (409, "change_request_closed")
    waiting = api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["waiting_on"]
    assert not any(w.get("change_request_id") == cr["id"] for w in waiting)


def test_a_key_date_moved_meanwhile_answers_409_and_applies_nothing(seeded, api):
    deal = deal_with_everyone(api, "purchase")
    cr = submit(api, deal["id"], "closing_extension", EXTENSION, AGENT).json
    decide(api, deal["id"], cr["id"], "approve", CLIENT)
    moved = api.patch(
        f"/v1/deals/{deal['id']}",
        {"key_dates": {"closing": "2027-01-02"}},
        as_user=COORDINATOR,
        headers={"If-Match": str(deal["version"])},
    )
    assert moved.status == 200
    refused = decide(api, deal["id"], cr["id"], "approve", COORDINATOR)
    assert (refused.status, refused.error_code) == (409, "deal_moved")
    assert (
        api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["key_dates"]["closing"] == "2027-01-02"
    )
    assert _cr(api, deal["id"], cr["id"]).json["status"] == "submitted"
    assert not [e for e in activity(api, deal["id"]) if e["type"] == "change_request.applied"]


def test_a_party_who_left_meanwhile_answers_409(seeded, api):
    deal = deal_with_everyone(api, "purchase")
    invited = api.post(
        f"/v1/deals/{deal['id']}/parties", {"email": LENDER, "role": "lender"}, as_user=COORDINATOR
    )
    lender = invited.json["user_id"]
    join(deal["id"], lender)
    cr = submit(
        api, deal["id"], "party_change", {"action": "remove", "email": LENDER, "role": "lender"}, AGENT
    ).json
    assert api.delete(f"/v1/deals/{deal['id']}/parties/{lender}", as_user=ADMIN).status == 200
    refused = decide(api, deal["id"], cr["id"], "approve", COORDINATOR)
    assert (refused.status, refused.error_code) == (409, "deal_moved")
    assert _cr(api, deal["id"], cr["id"]).json["status"] == "submitted"


def test_two_approvers_at_once_one_wins_and_the_other_sees_the_new_state(seeded, api, monkeypatch):
    deal = deal_with_everyone(api, "purchase")
    cr = submit(api, deal["id"], "closing_extension", EXTENSION, AGENT).json
    # Given the coordinator read the request before the client's approval landed
    stale = deal_store.load_workspace(deal["id"])
    assert decide(api, deal["id"], cr["id"], "approve", CLIENT).status == 200
    real = service.workspace_access

    def as_read_before(caller, deal_id):
        _, access = real(caller, deal_id)
        return stale, access

    monkeypatch.setattr(service, "workspace_access", as_read_before)
    # When the coordinator's decision lands on the version they read
    from chalicelib.domain.commands import ChangeRequestDecisionIn
    from chalicelib.services.principals import caller_for

    with pytest.raises(Conflict) as lost:
        service.decide(
            caller_for(COORDINATOR, None), deal["id"], cr["id"], ChangeRequestDecisionIn(decision="approve")
        )
    assert lost.value.code == "change_request_changed"
    monkeypatch.undo()
    # Then nothing of theirs was written, and a reload shows the client's approval
    now = _cr(api, deal["id"], cr["id"]).json
    assert [d["role"] for d in now["decisions"]] == ["client"]
    assert (
        api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["key_dates"]["closing"] == "2026-12-31"
    )


def test_visibility_per_role(seeded, api):
    deal = deal_with_everyone(api, "maintenance")
    quote = submit(api, deal["id"], "cost_approval", {"amount": 300, "description": "New valve"}, VENDOR).json
    assert quote["approvals"]["roles"] == ["coordinator"]  # under the threshold: no owner approval
    # restricted: staff and the vendor see it, the tenant does not
    assert _cr(api, deal["id"], quote["id"], as_user=VENDOR).status == 200
    assert _cr(api, deal["id"], quote["id"], as_user=CLIENT).status == 404
    assert api.get(f"/v1/deals/{deal['id']}/change-requests", as_user=CLIENT).json["items"] == []
    assert "restricted_to" not in _cr(api, deal["id"], quote["id"], as_user=VENDOR).json
    assert "restricted_to" in _cr(api, deal["id"], quote["id"], as_user=ADMIN).json
    # a tenant may not submit a cost approval; the types route offers them only what they may submit
    offered = {
        t["type"]
        for t in api.get(f"/v1/deals/{deal['id']}/change-request-types", as_user=CLIENT).json["items"]
    }
    assert offered == {"reschedule"}
    refused = submit(api, deal["id"], "cost_approval", {"amount": 300, "description": "x"}, CLIENT)
    assert (refused.status, refused.error_code) == (403, "may_not_submit")
    # a deal of another org: 404
    outsider = api.get(f"/v1/deals/{deal['id']}/change-requests", as_user="rhea.admin@rivalrealty.example")
    assert outsider.status == 404


def test_an_open_repair_request_blocks_leaving_due_diligence(seeded, api):
    deal = deal_with_everyone(api, "purchase")
    cr = submit(api, deal["id"], "repair_request", {"description": "Fix the roof"}, CLIENT).json
    moved = api.post(
        f"/v1/deals/{deal['id']}/transitions",
        {"to": "due_diligence", "override": True, "reason": "test setup"},
        as_user=COORDINATOR,
    )
    assert moved.status == 200, moved.json
    refused = api.post(f"/v1/deals/{deal['id']}/transitions", {"to": "financing"}, as_user=COORDINATOR)
    assert refused.status == 409
    missing = refused.json["error"]["details"]["missing"]
    assert {
        "kind": "change_request",
        "id": cr["id"],
        "type": "repair_request",
        "label": "Repair request",
        "status": "submitted",
    } in missing


def test_bad_fields_are_refused_with_what_is_wrong(seeded, api):
    deal = deal_with_everyone(api, "purchase")
    bad = submit(api, deal["id"], "closing_extension", {"new_date": "soon", "extra": 1}, AGENT)
    assert (bad.status, bad.error_code) == (422, "invalid_fields")
    assert {p["field"] for p in bad.json["error"]["details"]} >= {
        "fields.new_date",
        "fields.reason",
        "fields.extra",
    }
    unknown = submit(api, deal["id"], "teleport", {}, AGENT)
    assert (unknown.status, unknown.error_code) == (422, "unknown_change_request_type")
    assert api.get(f"/v1/deals/{deal['id']}/change-requests", as_user=COORDINATOR).json["items"] == []


def test_cancelling_the_deal_withdraws_its_open_requests(seeded, api):
    deal = deal_with_everyone(api, "purchase")
    cr = submit(api, deal["id"], "closing_extension", EXTENSION, AGENT).json
    cancelled = api.post(
        f"/v1/deals/{deal['id']}/transitions",
        {"to": "cancelled", "reason": "Financing fell through"},
        as_user=COORDINATOR,
    )
    assert cancelled.status == 200, cancelled.json
    assert _cr(api, deal["id"], cr["id"]).json["status"] == "withdrawn"
    assert api.get("/v1/admin/change-requests", as_user=COORDINATOR).json["items"] == []
    late = decide(api, deal["id"], cr["id"], "approve", CLIENT)
    assert (late.status, late.error_code) == (409, "deal_closed")
