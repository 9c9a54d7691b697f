"""Maintenance requests: a tenant opens one on the unit they lease; it is seen by them, staff and the
vendor assigned to it — not by a co-tenant unless staff share it."""

from __future__ import annotations

from tests.support.plans import COORDINATOR, join, workspace

TENANT = "tara.tenant@mail.example"
CO_TENANT = "theo.tenant@mail.example"
OUTSIDER = "dana.client@mail.example"
AGENT = "alex.agent@harbormain.example"
UNIT = {
    "address": {"line1": "500 Main St", "city": "Somerville", "state": "MA", "postal_code": "02143"},
    "unit": "3B",
}


def _request(**overrides):
    return {"workflow": "maintenance", "title": "Bathroom fan is loud", "property": UNIT, **overrides}


def test_a_tenant_opens_a_request_that_their_co_tenant_does_not_see(seeded, api):
    opened = api.post("/v1/deals", _request(), as_user=TENANT)
    assert opened.status == 201, opened.json
    deal = opened.json
    assert (deal["workflow"], deal["stage"], deal["org_id"]) == (
        "maintenance",
        "submitted",
        seeded.orgs["Harbor & Main Realty"],
    )
    assert [p["role"] for p in deal["parties"]] == ["client"]
    assert deal["key_dates"]["reported"]  # today, in the org's time zone
    assert not any(t["visibility"] == "internal" for t in deal["tasks"])  # triage is staff work

    assert api.get(f"/v1/deals/{deal['id']}", as_user=CO_TENANT).status == 404
    assert deal["id"] not in {d["id"] for d in api.get("/v1/deals", as_user=CO_TENANT).json["items"]}
    assert api.get(f"/v1/deals/{deal['id']}", as_user=AGENT).status == 404  # an agent not on it
    staff = workspace(api, deal["id"], as_user=COORDINATOR)
    assert any(t["title"].startswith("Triage") for t in staff["tasks"])

    # shared by staff with the co-tenant, it becomes theirs to see too
    shared = api.post(
        f"/v1/deals/{deal['id']}/parties", {"email": CO_TENANT, "role": "co_client"}, as_user=COORDINATOR
    )
    assert shared.status == 201
    join(deal["id"], shared.json["user_id"])
    assert api.get(f"/v1/deals/{deal['id']}", as_user=CO_TENANT).status == 200


def test_only_a_tenant_on_an_active_lease_of_that_unit_opens_a_request(seeded, api):
    elsewhere = api.post("/v1/deals", _request(), as_user=OUTSIDER)
    assert elsewhere.status == 403 and elsewhere.error_code == "no_active_lease"
    other_unit = api.post("/v1/deals", _request(property={**UNIT, "unit": "4A"}), as_user=TENANT)
    assert other_unit.status == 403 and other_unit.error_code == "no_active_lease"
    purchase = api.post("/v1/deals", _request(workflow="purchase"), as_user=TENANT)
    assert purchase.status == 403 and purchase.error_code == "staff_only"


def test_a_tenant_cannot_add_parties_or_internal_fields(seeded, api):
    with_vendor = api.post(
        "/v1/deals",
        _request(parties=[{"email": "victor@fixitplumbing.example", "role": "vendor"}]),
        as_user=TENANT,
    )
    assert with_vendor.status == 403 and with_vendor.json["error"]["details"]["fields"] == ["parties"]
    flagged = api.post("/v1/deals", _request(risk_flags=["urgent"]), as_user=TENANT)
    assert flagged.status == 403
    assert api.get("/v1/deals", as_user=TENANT).json["items"][0]["title"] != "Bathroom fan is loud"


def test_an_assigned_vendor_takes_the_work_orders_and_sees_nothing_else(seeded, api):
    deal = api.post("/v1/deals", _request(), as_user=TENANT).json
    vendor = api.post(
        f"/v1/deals/{deal['id']}/parties",
        {"email": "victor@fixitplumbing.example", "role": "vendor"},
        as_user=COORDINATOR,
    )
    assert vendor.status == 201 and vendor.json["status"] == "invited"
    join(deal["id"], vendor.json["user_id"])
    staff = workspace(api, deal["id"], as_user=COORDINATOR)
    orders = [t for t in staff["tasks"] if t["owner_role"] == "vendor"]
    assert orders and {t["owner_user_id"] for t in orders} == {vendor.json["user_id"]}
    seen = workspace(api, deal["id"], as_user="victor@fixitplumbing.example")
    assert {t["id"] for t in seen["tasks"]} == {t["id"] for t in orders}
    assert [p["role"] for p in seen["parties"]] == ["vendor"]  # not the tenant's contact details
