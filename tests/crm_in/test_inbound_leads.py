"""A CRM's signed lead (docs/CRM_IN.md): it lands in the lead queue through the intake's path with its
source; a repeat of one delivery is one lead; anything unverifiable is the same 401 and writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from chalicelib import clock
from tests.crm_in.conftest import (
    ALEX,
    AVERY,
    COORD,
    HARBOR,
    RIVAL,
    deliver,
    lead_body,
    leads_from,
    new_secret,
    signed,
    written,
)
from tests.support.faults import dynamodb_fault
from tests.support.notify import user_id


def test_a_signed_delivery_lands_a_routed_lead_with_its_source(api, secret):
    body = lead_body("fran.crm@mail.example")
    body["contact"]["phone"] = "+1 617 555 0142"

    reply = deliver(api, secret, body)

    assert reply.status == 202 and reply.json == {"status": "received"}
    (lead,) = leads_from(api)
    assert lead["contact_name"] == "Fran Crm" and lead["scenario"] == "buy" and lead["status"] == "new"
    assert lead["source"] == "crm" and lead["source_name"] == "Follow Up Boss"
    assert lead["external_id"] == "fub-4711"
    assert lead["routed_by"] == "buyers" and lead["owner_user_id"]  # the org's routing, as for the form
    assert lead["answers"] == {"timeline": "asap", "pre_approved": True}


def test_a_crm_lead_for_a_known_person_links_to_their_contact(api, secret):
    # omar.haddad is a contact of the demo: the same person, found by key, no second contact
    before = written().get("ContactItem", 0)

    body = lead_body("omar.haddad@mail.example", name="Omar Haddad", scenario="sell",
                     answers={"timeline": "asap"},
                     property={"address": {"line1": "12 Harbor St", "city": "Boston", "state": "MA",
                                           "postal_code": "02110"}})  # fmt: skip
    assert deliver(api, secret, body).status == 202

    assert written().get("ContactItem", 0) == before
    everyone = api.get("/v1/admin/leads?limit=100", as_user=COORD).json["items"]
    assert any(x["contact_name"] == "Omar Haddad" and x["scenario"] == "sell" for x in everyone)


def test_the_same_webhook_id_twice_is_one_lead_and_the_same_answer(api, secret):
    body = lead_body("twice@mail.example", name="Tess Twice")

    first = deliver(api, secret, body, msg_id="msg_twice")
    # the sender's retry: the same id and body, signed again with a fresh timestamp
    again = deliver(api, secret, body, msg_id="msg_twice", at=datetime.now(UTC) + timedelta(seconds=30))

    assert first.status == again.status == 202 and first.raw == again.raw
    (lead,) = leads_from(api)
    assert lead["submissions"] == 1


def test_a_webhook_id_reused_for_another_lead_is_refused(api, secret):
    assert deliver(api, secret, lead_body("one@mail.example"), msg_id="msg_reused").status == 202

    reply = deliver(api, secret, lead_body("other@mail.example", name="Otto Other"), msg_id="msg_reused")

    assert reply.status == 409 and reply.error_code == "webhook_id_reused"
    assert [lead["contact_name"] for lead in leads_from(api)] == ["Fran Crm"]


def test_a_delivery_that_failed_part_way_is_safe_to_retry(api, secret):
    body = lead_body("flaky@mail.example", name="Flo Flaky")

    with dynamodb_fault("TransactWriteItems", no_answer="connection reset"):
        failed = deliver(api, secret, body, msg_id="msg_flaky")
    assert failed.status == 503 and leads_from(api) == []  # nothing half-written
    with dynamodb_fault("TransactWriteItems", lose_answers=1):  # applied, answer lost, resent by the SDK
        retried = deliver(api, secret, body, msg_id="msg_flaky")
    again = deliver(api, secret, body, msg_id="msg_flaky")

    assert retried.status == again.status == 202
    assert len(leads_from(api)) == 1


def test_every_unverifiable_delivery_is_the_same_401_and_writes_nothing(api, secret):
    body = json.dumps(lead_body("nobody@mail.example", name="Nemo Nobody"))
    path = f"/v1/orgs/{HARBOR}/leads/inbound"
    good = signed(secret, body)
    wrong_secret = new_secret_like()
    stale = signed(secret, body, at=datetime.now(UTC) - timedelta(minutes=10))  # beyond the tolerance
    before = written()

    replies = [
        api.request("POST", path, body=body, headers={**good, "webhook-signature": "v1,AAAA"}),  # forged
        api.request("POST", path, body=body, headers=signed(wrong_secret, body)),  # another key
        api.request("POST", path, body=body + " ", headers=good),  # the body changed in transit
        api.request("POST", path, body=body, headers={"webhook-id": "msg_1"}),  # headers missing
        api.request("POST", path, body=body, headers=stale),  # ten minutes old: a replay
        api.request("POST", "/v1/orgs/no-such-org/leads/inbound", body=body, headers=good),  # unknown org
        api.request("POST", f"/v1/orgs/{RIVAL}/leads/inbound", body=body, headers=good),  # inbound is off
    ]

    assert {r.status for r in replies} == {401}
    assert {r.raw for r in replies} == {replies[0].raw}  # byte-identical: nothing told apart
    assert replies[0].error_code == "invalid_signature"
    assert written() == before


def test_a_well_signed_but_invalid_lead_gets_every_problem_at_once(api, secret):
    body = lead_body("not-an-email", answers={"timeline": "someday", "colour": "blue"}, budget=5)
    before = written()

    reply = deliver(api, secret, body)

    assert reply.status == 422 and reply.error_code == "invalid_fields"
    fields = {d["field"] for d in reply.json["error"]["details"]}
    assert {"contact.email", "budget", "answers.timeline", "answers.colour"} <= fields
    assert "someday" not in reply.raw.decode()
    assert written() == before


def test_a_signed_lead_for_an_unknown_scenario_is_a_422(api, secret):
    reply = deliver(api, secret, lead_body("scen@mail.example", scenario="timeshare"))

    assert reply.status == 422 and reply.json["error"]["details"][0]["field"] == "scenario"


def test_a_crm_lead_tells_its_owner_but_sends_no_welcome_email(api, secret, outbox, sent):
    deliver(api, secret, lead_body("no.welcome@mail.example", name="Nico Nowelcome"))

    outbox.run()

    assert sent.emails_to("no.welcome@mail.example") == []  # the CRM already answered the person
    (lead,) = leads_from(api)
    owner = ALEX if lead["owner_user_id"] == user_id(ALEX) else AVERY
    assert any("Nico Nowelcome" in json.dumps(m) for m in sent.emails_to(owner))


def test_an_oversized_delivery_is_a_413(api, secret):
    big = lead_body("big@mail.example", answers={"timeline": "asap", "notes": "x" * 17_000})

    assert deliver(api, secret, big).error_code == "payload_too_large"


def test_an_org_past_its_limit_gets_429_but_strangers_cannot_use_its_quota_up(api, secret, monkeypatch):
    from chalicelib.services import inbound_leads

    monkeypatch.setattr(inbound_leads, "PER_ORG", (2, 600))
    forged = [deliver(api, "whsec_" + "A" * 44, lead_body(f"forged{i}@mail.example")) for i in range(3)]
    assert [r.status for r in forged] == [401, 401, 401]  # unsigned attempts count per address only

    replies = [deliver(api, secret, lead_body(f"flood{i}@mail.example")) for i in range(3)]

    assert [r.status for r in replies] == [202, 202, 429]
    assert int(replies[2].headers["Retry-After"]) > 0
    assert len(leads_from(api)) == 2


def test_one_address_past_its_limit_gets_429_before_any_verification(api, secret, monkeypatch):
    from chalicelib.services import inbound_leads

    monkeypatch.setattr(inbound_leads, "PER_ADDRESS", (2, 600))

    replies = [deliver(api, "whsec_" + "A" * 44, lead_body("x@mail.example")) for _ in range(3)]

    assert [r.status for r in replies] == [401, 401, 429]


def test_rotation_keeps_the_old_secret_verifying_for_the_overlap_only(api, secret):
    newer = new_secret(api)
    assert newer != secret

    assert deliver(api, secret, lead_body("old.key@mail.example", name="Olga Old")).status == 202
    assert deliver(api, newer, lead_body("new.key@mail.example", name="Ned New")).status == 202
    clock.freeze(datetime.now(UTC) + timedelta(hours=24, minutes=1))  # the overlap is over

    assert deliver(api, secret, lead_body("late.old@mail.example", name="Lou Late")).status == 401
    assert deliver(api, newer, lead_body("late.new@mail.example", name="Lia Late")).status == 202
    assert {x["contact_name"] for x in leads_from(api)} == {"Olga Old", "Ned New", "Lia Late"}


def test_a_leaked_secret_is_retired_at_once_with_no_overlap(api, secret):
    newer = new_secret(api, overlap_hours=0)

    assert deliver(api, secret, lead_body("leak@mail.example")).status == 401
    assert deliver(api, newer, lead_body("leak@mail.example")).status == 202


def test_disabling_stops_every_secret(api, secret):
    newer = new_secret(api)

    reply = api.delete("/v1/admin/inbound-leads", as_user="ada.admin@harbormain.example")

    assert reply.status == 200 and reply.json["enabled"] is False
    assert reply.json["secret_created_at"] is None and reply.json["previous_secret_expires_at"] is None
    for key in (secret, newer):
        assert deliver(api, key, lead_body("after.off@mail.example")).status == 401


def new_secret_like() -> str:
    from chalicelib.domain.inbound_leads import new_secret as make

    return make()


def test_a_concurrent_twin_that_missed_the_first_claim_still_makes_one_lead(api, secret, monkeypatch):
    # Given two deliveries of one message racing: the second read no claim because the first had not
    # committed yet. When it commits, the claim inside its transaction is refused — one lead, same answer.
    from chalicelib.store import idempotency

    body = lead_body("racing@mail.example", name="Rae Racing")
    first = deliver(api, secret, body, msg_id="msg_race")
    monkeypatch.setattr(idempotency, "lookup", lambda scope: None)

    twin = deliver(api, secret, body, msg_id="msg_race")

    assert first.status == twin.status == 202 and first.raw == twin.raw
    (lead,) = leads_from(api)
    assert lead["submissions"] == 1  # not folded in a second time either
