"""Contacts and property records (docs/INTAKE.md): staff create, read and search them; duplicates refused."""

from __future__ import annotations

from typing import Any

from tests.intake.conftest import ALEX, COORD, RIVAL_COORD, contact_count

VENDOR = {
    "name": "Wes Ward",
    "email": "wes@wardroofing.example",
    "phone": "617-555-0177",
    "company": "Ward Roofing",
}
HOME: dict[str, Any] = {
    "address": {"line1": "7 Elm Avenue", "city": "Cambridge", "state": "MA", "postal_code": "02139"},
    "unit": "2",
}


def test_staff_add_a_contact_and_a_duplicate_email_or_phone_is_refused(api, seeded):
    created = api.post(
        "/v1/contacts", {**VENDOR, "roles": ["vendor"], "preferred_channel": "phone"}, as_user=ALEX
    )

    assert created.status == 201 and created.headers["Location"] == f"/v1/contacts/{created.json['id']}"
    assert created.json["phone"] == "+16175550177" and created.json["company"] == "Ward Roofing"
    count = contact_count()
    again = api.post("/v1/contacts", {"name": "W. Ward", "email": "WES@wardroofing.example"}, as_user=COORD)
    same_phone = api.post("/v1/contacts", {"name": "W. Ward", "phone": "(617) 555-0177"}, as_user=COORD)
    assert again.error_code == same_phone.error_code == "contact_exists"
    assert contact_count() == count
    assert api.get(f"/v1/contacts/{created.json['id']}", as_user=COORD).json["roles"] == ["vendor"]


def test_another_org_and_non_staff_cannot_reach_a_contact(api, seeded):
    created = api.post("/v1/contacts", VENDOR, as_user=COORD).json

    assert api.get(f"/v1/contacts/{created['id']}", as_user=RIVAL_COORD).status == 404
    assert api.get(f"/v1/contacts/{created['id']}", as_user="bianca.buyer@mail.example").status == 404
    assert api.post("/v1/contacts", VENDOR, as_user="bianca.buyer@mail.example").error_code == "staff_only"


def test_search_by_email_or_phone_prefix_is_one_query_per_page(api, seeded, ddb_calls):
    api.post("/v1/contacts", VENDOR, as_user=COORD)
    ddb_calls.reset()

    by_email = api.get("/v1/contacts?email=wes@ward", as_user=COORD)

    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, then one page of the org's keys
    assert [c["name"] for c in by_email.json["items"]] == ["Wes Ward"]
    by_phone = api.get("/v1/contacts?phone=(617) 555-01", as_user=COORD).json["items"]
    assert "Wes Ward" in [c["name"] for c in by_phone]
    assert api.get("/v1/contacts?email=wes@ward", as_user=RIVAL_COORD).json["items"] == []


def test_search_by_name_prefix_is_one_query_per_page(api, seeded, ddb_calls):
    api.post("/v1/contacts", VENDOR, as_user=COORD)
    api.post("/v1/contacts", {"name": "Wesley Park", "email": "wesley@park.example"}, as_user=COORD)
    api.post("/v1/contacts", {"name": "Ada Wes", "email": "ada@wes.example"}, as_user=COORD)
    ddb_calls.reset()

    found = api.get("/v1/contacts?name=wes", as_user=COORD)

    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, then one page of the org's names
    assert [c["name"] for c in found.json["items"]] == ["Wes Ward", "Wesley Park"]
    assert api.get("/v1/contacts?name=wes", as_user=RIVAL_COORD).json["items"] == []
    assert api.get("/v1/contacts?name=wes&email=wes@", as_user=COORD).error_code == "one_search_at_a_time"


def test_a_property_record_is_keyed_by_its_normalized_address_and_unit(api, seeded):
    created = api.post(
        "/v1/properties", {**HOME, "apn": "12-34", "owner_account_id": "ac_" + "a" * 26}, as_user=COORD
    )

    assert created.status == 201 and created.json["unit"] == "2" and created.json["apn"] == "12-34"
    variant = {"address": {**HOME["address"], "line1": "7 elm ave"}, "unit": "Apt 2"}
    assert api.post("/v1/properties", variant, as_user=COORD).error_code == "property_exists"
    other_unit = api.post("/v1/properties", {**HOME, "unit": "3"}, as_user=COORD)
    assert other_unit.status == 201
    found = api.get("/v1/properties?address=7 Elm Av", as_user=COORD).json["items"]
    assert {p["unit"] for p in found} == {"2", "3"}
    assert api.get(f"/v1/properties/{created.json['id']}", as_user=RIVAL_COORD).status == 404


def test_a_deal_points_to_its_property_record(api, seeded):
    deals = api.get("/v1/deals", as_user=COORD).json["items"]
    deal = api.get(f"/v1/deals/{deals[0]['id']}", as_user=COORD).json

    record = api.get(f"/v1/properties/{deal['property']['property_id']}", as_user=COORD)

    assert record.status == 200 and record.json["address"]["line1"] == deal["property"]["address"]["line1"]


def test_a_search_prefix_longer_than_the_document_allows_is_refused(api, demo):
    assert api.get("/v1/contacts?phone=" + "1" * 41, as_user=COORD).error_code == "invalid_search"
    assert api.get("/v1/properties?address=" + "a" * 201, as_user=COORD).error_code == "invalid_search"
