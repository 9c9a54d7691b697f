"""The public intake form (docs/INTAKE.md): the form, a submission, every problem at once, the same answer
for known and unknown people, the honeypot, the limits, and an org's data kept to itself."""

from __future__ import annotations

import json

from tests.intake.conftest import (
    COORD,
    HARBOR,
    RIVAL,
    RIVAL_COORD,
    contact_count,
    form,
    lead_count,
    leads,
    send,
)


def test_the_form_lists_every_scenario_with_questions_and_checklists(api, demo):
    reply = api.get(f"/v1/orgs/{HARBOR}/intake-form")  # no token

    assert reply.status == 200
    scenarios = {s["key"]: s for s in reply.json["scenarios"]}
    assert {"buy", "sell", "rent", "invest", "maintenance"} <= set(scenarios)
    timeline = next(q for q in scenarios["buy"]["questions"] if q["key"] == "timeline")
    assert timeline["type"] == "choice" and timeline["required"] and "asap" in timeline["choices"]
    assert any("pre-approval" in item for item in scenarios["buy"]["checklist"])
    assert scenarios["sell"]["property_required"] is True


def test_an_unknown_slug_says_nothing_more_than_not_found(api, demo):
    assert api.get("/v1/orgs/no-such-brokerage/intake-form").error_code == "org_not_found"
    assert api.get("/v1/orgs/NOT_A_SLUG!/intake-form").status == 404


def test_me_shows_the_org_slug_of_each_staff_entry(api, demo):
    staff = api.get("/v1/me", as_user=COORD).json["staff"]

    assert [s["org_slug"] for s in staff] == [HARBOR]


def test_a_submission_becomes_a_routed_lead_with_its_contact(api, seeded):
    reply = send(api, form("new.person@mail.example", name="Nell Newman"))

    assert reply.status == 201 and reply.json == {"status": "received"}
    lead = next(x for x in leads(api) if x["contact_name"] == "Nell Newman")
    assert lead["status"] == "new" and lead["scenario"] == "buy"
    assert lead["routed_by"] == "buyers" and lead["owner_user_id"]
    assert lead["answers"] == {"timeline": "asap", "pre_approved": True}
    found = api.get("/v1/contacts?email=new.person@", as_user=COORD).json["items"]
    assert [c["name"] for c in found] == ["Nell Newman"]


def test_every_problem_is_reported_at_once_and_nothing_is_written(api, seeded):
    before = (lead_count(), contact_count())
    body = {
        "scenario": "rent",
        "contact": {"name": "Pat", "email": "pat@mail.example"},
        "answers": {"timeline": "someday", "bedrooms": 3, "favourite_colour": "blue"},
    }

    reply = send(api, body)

    assert reply.status == 422 and reply.error_code == "invalid_fields"
    fields = {d["field"] for d in reply.json["error"]["details"]}
    assert fields == {
        "answers.timeline",  # not one of the choices
        "answers.bedrooms",  # a number where a choice is asked
        "answers.favourite_colour",  # not a question
        "answers.monthly_budget",  # required, missing
    }
    assert "someday" not in reply.raw.decode()  # problems never echo the value
    assert (lead_count(), contact_count()) == before


def test_shape_and_answer_problems_come_back_together(api, seeded):
    body = {
        "scenario": "buy",
        "contact": {"name": "Pat", "email": "not-an-email"},
        "answers": {"timeline": "x"},
    }

    reply = send(api, body)

    fields = {d["field"] for d in reply.json["error"]["details"]}
    assert reply.status == 422 and fields == {"contact.email", "answers.timeline", "answers.pre_approved"}


def test_a_sell_request_needs_the_property(api, seeded):
    reply = send(api, form("owner@mail.example", scenario="sell"))

    assert reply.status == 422
    assert {d["field"] for d in reply.json["error"]["details"]} == {"property"}


def test_the_answer_is_byte_identical_for_known_and_unknown_people(api, seeded):
    known = send(api, form("nora.lind@mail.example", name="Nora Lind"))  # a contact with an open lead
    user = send(api, form("bianca.buyer@mail.example", name="Bianca Reyes"))  # a user of the portal
    unknown = send(api, form("nobody.yet@mail.example", name="Nobody Yet"))

    assert known.status == user.status == unknown.status == 201
    assert known.raw == user.raw == unknown.raw

    def headers(reply):  # the correlation id differs per request, as for every request
        return {
            k: v for k, v in reply.headers.items() if k.lower() not in {"x-request-id", "x-correlation-id"}
        }

    assert headers(known) == headers(unknown)


def test_the_honeypot_is_answered_like_any_form_and_dropped(api, seeded):
    before = (lead_count(), contact_count())

    reply = send(api, form("bot@spam.example", website="http://cheap-pills.example"))

    assert reply.status == 201 and reply.json == {"status": "received"}
    assert (lead_count(), contact_count()) == before


def test_the_same_email_is_limited_per_hour(api, seeded):
    for _ in range(5):
        assert send(api, form("eager@mail.example")).status == 201

    refused = send(api, form("Eager@Mail.example"))  # the same address, normalized

    assert refused.status == 429 and refused.error_code == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert send(api, form("someone.else@mail.example")).status == 201


def test_one_address_is_limited_per_ten_minutes_malformed_attempts_included(api, seeded):
    for _ in range(10):
        assert api.request("POST", f"/v1/orgs/{HARBOR}/intake", body=b"{not json").status == 400
    for n in range(10):
        assert send(api, form(f"bot{n}@spam.example", website="x")).status == 201
    before = lead_count()

    refused = send(api, form("real.person@mail.example"))

    assert refused.status == 429 and int(refused.headers["Retry-After"]) <= 600
    assert lead_count() == before


def test_a_large_body_is_refused(api, seeded):
    body = form("big@mail.example")
    body["answers"]["notes"] = "x" * 17_000

    reply = api.request("POST", f"/v1/orgs/{HARBOR}/intake", body=json.dumps(body))

    assert reply.status == 413


def test_an_intake_for_one_org_never_touches_another(api, seeded):
    harbor_before = leads(api)

    reply = send(api, form("nora.lind@mail.example", name="Nora Lind"), slug=RIVAL)

    assert reply.status == 201
    rival = leads(api, RIVAL_COORD)
    assert [x["contact_name"] for x in rival] == ["Nora Lind"]
    assert rival[0]["linked_deal_ids"] == [] and rival[0]["candidates"] == []  # nothing of Harbor's
    assert leads(api) == harbor_before


def test_a_submission_is_one_transaction_plus_keyed_reads(api, seeded, ddb_calls):
    # a new person: the per-address and per-email counters, the slug, one batch of keyed reads (org, form,
    # user, email and phone keys), the routing rule's counter, one Query of nearby emails, one transaction
    body = form("budget.new@mail.example", name="Bud Get")
    body["contact"]["phone"] = "+16175550188"
    ddb_calls.reset()

    assert send(api, body).status == 201

    assert ddb_calls.by_operation() == {
        "UpdateItem": 2,
        "GetItem": 1,
        "BatchGetItem": 2,
        "Query": 1,
        "TransactWriteItems": 1,
    }


def test_a_known_person_is_found_by_key_with_no_search(api, seeded, ddb_calls):
    ddb_calls.reset()

    assert send(api, form("omar.haddad@mail.example", name="Omar Haddad", scenario="rent")).status == 201

    ops = ddb_calls.by_operation()
    assert ops["TransactWriteItems"] == 1 and "Scan" not in ops
    assert ops.get("Query", 0) == 0  # no near-duplicate search for an exact match


def test_reading_the_form_is_limited_per_address_on_its_own_counter(api, seeded):
    for _ in range(120):
        assert api.get(f"/v1/orgs/{HARBOR}/intake-form").status == 200

    refused = api.get(f"/v1/orgs/{HARBOR}/intake-form")

    assert refused.status == 429 and refused.error_code == "rate_limited" and refused.headers["Retry-After"]
    assert send(api, form("still.ok@mail.example")).status == 201  # sending has its own limit
