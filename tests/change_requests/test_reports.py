"""Ops see an org's open change requests (oldest first, one Query a page) and how long decisions take."""

from __future__ import annotations

from tests.change_requests.support import AGENT, CLIENT, deal_with_everyone, decide, submit
from tests.support.plans import COORDINATOR

EXTENSION = {"new_date": "2027-01-08", "reason": "Appraisal is late"}


def test_open_requests_and_time_to_decision_per_org(seeded, api, ddb_calls):
    deal = deal_with_everyone(api, "purchase")
    first = submit(api, deal["id"], "closing_extension", EXTENSION, AGENT).json
    second = submit(api, deal["id"], "price_amendment", {"price": 500000, "reason": "Appraisal"}, AGENT).json

    ddb_calls.reset()
    queue = api.get("/v1/admin/change-requests", as_user=COORDINATOR)
    assert queue.status == 200
    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, one page of the open index
    assert [r["id"] for r in queue.json["items"]] == [first["id"], second["id"]]  # oldest first
    assert queue.json["items"][0]["waiting_on_user_ids"]

    decide(api, deal["id"], first["id"], "reject", CLIENT, comment="No")
    still_open = api.get("/v1/admin/change-requests", as_user=COORDINATOR).json["items"]
    assert [r["id"] for r in still_open] == [second["id"]]

    report = api.get("/v1/admin/change-requests/time-to-decision", as_user=COORDINATOR)
    assert report.status == 200
    [row] = report.json["rows"]
    assert (row["type"], row["decided"], row["outcomes"], row["within_sla"]) == (
        "closing_extension",
        1,
        {"rejected": 1},
        1,
    )
    # agents and clients do not run the admin panel; another org's staff do not see this org
    assert api.get("/v1/admin/change-requests", as_user=AGENT).status == 403
    rival = api.get("/v1/admin/change-requests", as_user="rhea.admin@rivalrealty.example").json["items"]
    assert rival == []


def test_an_admin_sets_the_orgs_cost_approval_threshold(seeded, api):
    from tests.change_requests.support import ADMIN, VENDOR

    deal = deal_with_everyone(api, "maintenance")
    org_id = deal["org_id"]
    path = f"/v1/admin/orgs/{org_id}/change-request-settings"
    # a coordinator may not; another org's admin does not see the org
    assert (
        api.request("PUT", path, json_body={"cost_approval_threshold": 1000}, as_user=COORDINATOR).status
        == 403
    )
    rival = api.request(
        "PUT", path, json_body={"cost_approval_threshold": 1}, as_user="rhea.admin@rivalrealty.example"
    )
    assert rival.status == 404
    quote = {"amount": 800, "description": "Replace the water heater"}
    assert submit(api, deal["id"], "cost_approval", quote, VENDOR).json["approvals"]["roles"] == [
        "coordinator",
        "admin",
    ]

    done = api.request("PUT", path, json_body={"cost_approval_threshold": 1000}, as_user=ADMIN)
    assert done.status == 200, done.json
    assert submit(api, deal["id"], "cost_approval", quote, VENDOR).json["approvals"]["roles"] == [
        "coordinator"
    ]
    setting = next(
        e
        for e in api.get("/v1/admin/activity", as_user=ADMIN).json["items"]
        if e["type"] == "org.settings_changed"
    )
    assert setting["data"]["changes"] == [{"field": "cost_approval_threshold", "from": None, "to": 1000}]
