"""Regression tests for the security review's findings (issue 12): each refusal has its status and the
envelope, and nothing is written."""

from __future__ import annotations

import jwt
import pytest

from devstack.localauth import KEY_ID
from tests.api.test_bad_input import assert_envelope, assert_nothing_written
from tests.support.demo import deal_id

AGENT = "alex.agent@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
RIVAL_AGENT_EMAIL = "rory.coord@rivalrealty.example"
KELVIN = "\u212a"  # KELVIN SIGN: lowercases to an ASCII "k"


def _token_for_exact_email(api, email: str) -> str:
    """A verified ID token carrying `email` byte for byte (the local signer lowercases what it is given)."""
    claims = jwt.decode(api.token("someone.else@mail.example"), options={"verify_signature": False})
    claims["email"] = email
    return jwt.encode(claims, api.signer._key, algorithm="RS256", headers={"kid": KEY_ID})


# -- identity -----------------------------------------------------------------------------------


def test_a_token_whose_email_uses_the_kelvin_sign_does_not_act_as_the_ascii_user(seeded, api, ddb_calls):
    # Given a real user kim@… and a verified token for "Kim@…" spelt with U+212A
    ascii_user = api.get("/v1/me", token=api.token("kim.k@mail.example")).json
    # When the look-alike calls the API
    ddb_calls.reset()
    look_alike = _token_for_exact_email(api, f"{KELVIN}im.k@mail.example")
    reply = api.get("/v1/me", token=look_alike)
    # Then it is refused before any read, and never answers as the ASCII user
    assert_envelope(reply, 401, "unsupported_email")
    assert ddb_calls.operations == []
    assert ascii_user["email"] == "kim.k@mail.example"


@pytest.mark.parametrize(
    "email", [f"{KELVIN}im.k@mail.example", "ｋim@mail.example", "kim@mail.example\u0000"]
)
def test_invitations_refuse_look_alike_addresses(seeded, api, ddb_calls, email):
    deal = deal_id(seeded, "park_purchase")
    ddb_calls.reset()
    reply = api.post(f"/v1/deals/{deal}/parties", {"email": email, "role": "client"}, as_user=AGENT)
    assert_envelope(reply, 422, "invalid_fields")
    assert_nothing_written(ddb_calls)


# -- text fields ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "\u200b\u200b\u200b",  # zero-width spaces only
        " \u2060\ufeff ",  # word joiner, BOM
        "hello\u0000world",  # NUL
        "ring \u001b[31m me",  # an escape sequence
        "invoice_\u202egnp.exe",  # RIGHT-TO-LEFT OVERRIDE
        "isolated \u2066text\u2069",
    ],
    ids=["zero-width", "invisible", "nul", "escape", "rlo", "isolate"],
)
def test_messages_with_invisible_or_control_text_are_refused(seeded, api, ddb_calls, body):
    deal = deal_id(seeded, "park_purchase")
    ddb_calls.reset()
    reply = api.post(f"/v1/deals/{deal}/messages", {"body": body}, as_user=AGENT)
    assert_envelope(reply, 422, "invalid_fields")
    assert reply.json["error"]["details"][0]["field"] == "body"
    assert body not in reply.raw.decode()  # the input is not echoed
    assert_nothing_written(ddb_calls)


def test_ordinary_text_still_passes(seeded, api):
    deal = deal_id(seeded, "park_purchase")
    text = "Line one\nLine two — café, 東京, עברית, 👨‍👩‍👧 (a ZWJ emoji)"
    reply = api.post(f"/v1/deals/{deal}/messages", {"body": text}, as_user=AGENT)
    assert reply.status == 201, reply.json
    assert reply.json["body"] == text


def test_a_task_title_may_not_span_lines(seeded, api):
    deal = deal_id(seeded, "park_purchase")
    reply = api.post(f"/v1/deals/{deal}/tasks", {"title": "one\ntwo"}, as_user=AGENT)
    assert_envelope(reply, 422, "invalid_fields")


# -- JSON -------------------------------------------------------------------------------------------


def test_duplicate_json_keys_are_a_400(seeded, api, ddb_calls):
    deal = deal_id(seeded, "park_purchase")
    ddb_calls.reset()
    reply = api.post(
        f"/v1/deals/{deal}/parties",
        body=b'{"email": "new.person@mail.example", "role": "client", "role": "coordinator"}',
        as_user=AGENT,
    )
    assert_envelope(reply, 400, "duplicate_json_keys")
    assert_nothing_written(ddb_calls)


def test_nested_duplicate_keys_are_a_400_too(seeded, api):
    body = (
        b'{"workflow": "purchase", "title": "T", "property": {"address": {"line1": "1 Main", '
        b'"city": "Boston", "city": "Salem", "state": "MA", "postal_code": "02101"}}}'
    )
    assert_envelope(api.post("/v1/deals", body=body, as_user=AGENT), 400, "duplicate_json_keys")


# -- internal owner -----------------------------------------------------------------------------------


def test_the_internal_owner_must_be_staff_of_the_deals_org(seeded, api, ddb_calls):
    deal = deal_id(seeded, "park_purchase")
    version = api.get(f"/v1/deals/{deal}", as_user=COORDINATOR).json["version"]
    rival = api.get("/v1/me", as_user=RIVAL_AGENT_EMAIL).json["id"]
    client = api.get("/v1/me", as_user="bianca.buyer@mail.example").json["id"]
    for outsider in (rival, client):
        ddb_calls.reset()
        reply = api.patch(
            f"/v1/deals/{deal}",
            {"internal_owner_user_id": outsider},
            as_user=COORDINATOR,
            headers={"If-Match": str(version)},
        )
        assert_envelope(reply, 422, "not_org_staff")
        assert_nothing_written(ddb_calls)
    # a colleague of the org is fine
    colleague = api.get("/v1/me", as_user=AGENT).json["id"]
    ok = api.patch(
        f"/v1/deals/{deal}",
        {"internal_owner_user_id": colleague},
        as_user=COORDINATOR,
        headers={"If-Match": str(version)},
    )
    assert ok.status == 200 and ok.json["internal_owner_user_id"] == colleague


def test_a_new_deal_refuses_a_rival_internal_owner(seeded, api):
    rival = api.get("/v1/me", as_user=RIVAL_AGENT_EMAIL).json["id"]
    body = {
        "workflow": "purchase",
        "title": "Owner check",
        "property": {
            "address": {"line1": "1 Main St", "city": "Boston", "state": "MA", "postal_code": "02101"}
        },
        "internal_owner_user_id": rival,
    }
    assert_envelope(api.post("/v1/deals", body, as_user=COORDINATOR), 422, "not_org_staff")


# -- errors echo nothing --------------------------------------------------------------------------------


def test_an_unknown_report_does_not_echo_its_name(seeded, api):
    name = "<script>alert(1)</script>"
    reply = api.get("/v1/admin/reports/%3Cscript%3Ealert(1)%3C%2Fscript%3E", as_user=COORDINATOR)
    assert_envelope(reply, 404, "unknown_report")
    assert name not in reply.raw.decode() and "script" not in reply.raw.decode()
    assert "time-in-stage" in reply.json["error"]["details"]["reports"]


# -- phone numbers and addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(617) 555-0104", "+16175550104"),
        ("617.555.0104", "+16175550104"),
        ("+1 617 555 0104", "+16175550104"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_a_phone_number_as_people_type_it_is_stored_in_e164(seeded, api, typed, stored):
    deal = deal_id(seeded, "park_purchase")
    reply = api.post(
        f"/v1/deals/{deal}/parties",
        {"email": "Pat.Phone@Mail.Example", "role": "co_client", "phone": typed},
        as_user=AGENT,
    )
    assert reply.status == 201, reply.json
    assert reply.json["phone"] == stored
    assert reply.json["email"] == "pat.phone@mail.example"


@pytest.mark.parametrize("typed", ["555-01", "not a phone", "+1 000 000 0000", "1" * 41])
def test_a_number_that_is_not_a_phone_is_refused(seeded, api, typed):
    deal = deal_id(seeded, "park_purchase")
    reply = api.post(
        f"/v1/deals/{deal}/parties",
        {"email": "pat.phone@mail.example", "role": "co_client", "phone": typed},
        as_user=AGENT,
    )
    assert_envelope(reply, 422, "invalid_fields")
