"""Merging duplicate contacts and property records (docs/INTAKE.md, "Merging"): staff, audited, undone
within 30 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib import clock
from chalicelib.store.intake_models import ContactItem
from tests.intake.conftest import ALEX, COORD, RIVAL_COORD, form, leads, send

REASON = {"reason": "Same person, two addresses"}
MERGE_EVENTS = {"merged", "unmerged"}


def _two_contacts(api) -> tuple[dict[str, Any], dict[str, Any]]:
    a = api.post("/v1/contacts", {"name": "Mia Moss", "email": "mia@mail.example"}, as_user=COORD).json
    b = api.post("/v1/contacts", {"name": "Mia Moss", "email": "mia.moss@work.example"}, as_user=COORD).json
    return a, b


def test_a_merged_contact_points_to_its_survivor_and_intake_finds_the_survivor(api, seeded):
    dup, keep = _two_contacts(api)

    merged = api.post(f"/v1/admin/contacts/{dup['id']}/merge", {"into": keep["id"], **REASON}, as_user=COORD)

    assert merged.status == 200 and merged.json["merged_into"] == keep["id"]
    assert [c["id"] for c in api.get("/v1/contacts?email=mia@", as_user=COORD).json["items"]] == [keep["id"]]
    names = [c["id"] for c in api.get("/v1/contacts?limit=100", as_user=COORD).json["items"]]
    assert dup["id"] not in names and keep["id"] in names
    send(api, form("mia@mail.example", name="Mia Moss"))
    assert next(x for x in leads(api) if x["contact_name"] == "Mia Moss")["contact_id"] == keep["id"]
    log = api.get("/v1/admin/activity", as_user=COORD).json["items"]
    assert any(e["type"] == "contact.merged" for e in log)


def test_a_merge_is_undone_within_30_days(api, seeded):
    dup, keep = _two_contacts(api)
    api.post(f"/v1/admin/contacts/{dup['id']}/merge", {"into": keep["id"], **REASON}, as_user=COORD)

    undone = api.post(f"/v1/admin/contacts/{dup['id']}/unmerge", REASON, as_user=COORD)

    assert undone.status == 200 and "merged_into" not in undone.json
    assert [c["id"] for c in api.get("/v1/contacts?email=mia@", as_user=COORD).json["items"]] == [dup["id"]]
    again = api.post(f"/v1/admin/contacts/{dup['id']}/unmerge", REASON, as_user=COORD)
    assert again.error_code == "not_merged"


def test_a_merge_older_than_30_days_stays(api, seeded):
    dup, keep = _two_contacts(api)
    api.post(f"/v1/admin/contacts/{dup['id']}/merge", {"into": keep["id"], **REASON}, as_user=COORD)
    item = ContactItem.get(*ContactItem.key_for(contact_id=dup["id"]))
    item.update(actions=[ContactItem.merged_at.set(clock.iso(clock.now() - timedelta(days=31)))])

    refused = api.post(f"/v1/admin/contacts/{dup['id']}/unmerge", REASON, as_user=COORD)

    assert refused.status == 409 and refused.error_code == "merge_expired"


def test_only_admins_and_coordinators_of_the_org_merge_and_nothing_is_written_on_refusal(api, seeded):
    dup, keep = _two_contacts(api)
    body = {"into": keep["id"], **REASON}

    assert api.post(f"/v1/admin/contacts/{dup['id']}/merge", body, as_user=ALEX).status == 403
    assert api.post(f"/v1/admin/contacts/{dup['id']}/merge", body, as_user=RIVAL_COORD).status == 404
    same = api.post(f"/v1/admin/contacts/{dup['id']}/merge", {"into": dup["id"], **REASON}, as_user=COORD)
    assert same.error_code == "same_record"
    assert "merged_into" not in api.get(f"/v1/contacts/{dup['id']}", as_user=COORD).json


def test_duplicate_property_records_merge_and_unmerge(api, seeded):
    home = {"address": {"line1": "3 Oak Road", "city": "Quincy", "state": "MA", "postal_code": "02169"}}
    keep = api.post("/v1/properties", home, as_user=COORD).json
    dup = api.post("/v1/properties", {**home, "unit": "1"}, as_user=COORD).json  # a bogus unit

    merged = api.post(
        f"/v1/admin/properties/{dup['id']}/merge", {"into": keep["id"], **REASON}, as_user=COORD
    )

    assert merged.json["merged_into"] == keep["id"]
    found = api.get("/v1/properties?address=3 Oak", as_user=COORD).json["items"]
    assert [p["id"] for p in found] == [keep["id"]]  # both addresses lead to the survivor
    assert api.post(f"/v1/admin/properties/{dup['id']}/unmerge", REASON, as_user=COORD).status == 200
    found = api.get("/v1/properties?address=3 Oak", as_user=COORD).json["items"]
    assert sorted(p["id"] for p in found) == sorted([keep["id"], dup["id"]])


def test_merging_and_undoing_cost_the_same_few_requests_for_contacts_and_properties(api, seeded, ddb_calls):
    dup, keep = _two_contacts(api)
    home = {"address": {"line1": "3 Oak Road", "city": "Quincy", "state": "MA", "postal_code": "02169"}}
    kept = api.post("/v1/properties", home, as_user=COORD).json
    twin = api.post("/v1/properties", {**home, "unit": "1"}, as_user=COORD).json
    costs = {}
    for kind, source, target in (("contacts", dup, keep), ("properties", twin, kept)):
        path = f"/v1/admin/{kind}/{source['id']}"
        ddb_calls.reset()
        assert api.post(path + "/merge", {"into": target["id"], **REASON}, as_user=COORD).status == 200
        costs[f"{kind}/merge"] = dict(ddb_calls.by_operation())
        ddb_calls.reset()
        assert api.post(path + "/unmerge", REASON, as_user=COORD).status == 200
        costs[f"{kind}/unmerge"] = dict(ddb_calls.by_operation())

    # the caller (Query), the record and its survivor (GetItem), one transaction; undoing a property merge
    # needs no read of its survivor
    once = {"Query": 1, "TransactWriteItems": 1}
    assert costs == {
        "contacts/merge": {**once, "GetItem": 2},
        "contacts/unmerge": {**once, "GetItem": 2},
        "properties/merge": {**once, "GetItem": 2},
        "properties/unmerge": {**once, "GetItem": 1},
    }
    # and each is audited with what it moved and why, newest first
    log = api.get("/v1/admin/activity", as_user=COORD).json["items"]
    audited = [e for e in log if e["type"].split(".")[1] in MERGE_EVENTS]
    assert [(e["type"], e["summary"]) for e in audited] == [
        ("property.unmerged", "Undid a property merge"),
        ("property.merged", "Merged a duplicate property"),
        ("contact.unmerged", "Undid a contact merge"),
        ("contact.merged", "Merged a duplicate contact"),
    ]
    why = REASON["reason"]
    assert [e["data"] for e in audited] == [
        {"property_id": twin["id"], "from": kept["id"], "reason": why},
        {"property_id": twin["id"], "into": kept["id"], "reason": why},
        {"contact_id": dup["id"], "from": keep["id"], "reason": why},
        {"contact_id": dup["id"], "into": keep["id"], "reason": why},
    ]
