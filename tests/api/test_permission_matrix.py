"""PRODUCT.md §1 for the foundation routes: every staff and party role × {a deal they are on, another deal
of the same org, a deal of the other org} × each route — the status a user gets, and no field a role may
not see. Refusals: unreachable → 404, reachable but not allowed → 403."""

from __future__ import annotations

import itertools

import pytest

from tests.support.demo import ADMIN, OPS_ROLES, PERSONAS, RIVAL_ADMIN, STAFF_ROLES, Persona, deal_id

SITUATIONS = ["on_deal", "same_org_deal", "other_org_deal"]
CASES = list(itertools.product(PERSONAS, SITUATIONS))
IDS = [f"{p.role}-{s}" for p, s in CASES]


def reaches(persona: Persona, situation: str) -> bool:
    if situation == "on_deal":
        return True
    return situation == "same_org_deal" and persona.role in OPS_ROLES


def expected(persona: Persona, situation: str, allowed_roles: set[str]) -> int:
    if not reaches(persona, situation):
        return 404
    return 200 if persona.role in allowed_roles else 403


def target(demo, persona: Persona, situation: str) -> str:
    return deal_id(demo, getattr(persona, situation))


def admin_of(situation: str) -> str:
    """An admin who reaches the target deal, to set up and inspect it."""
    return RIVAL_ADMIN if situation == "other_org_deal" else ADMIN


def party_emails(api, deal: str, situation: str) -> set[str]:
    return {p["email"] for p in api.get(f"/v1/deals/{deal}", as_user=admin_of(situation)).json["parties"]}


@pytest.mark.parametrize(("persona", "situation"), CASES, ids=IDS)
def test_view_deal(demo, api, persona, situation):
    reply = api.get(f"/v1/deals/{target(demo, persona, situation)}", as_user=persona.email)
    assert reply.status == expected(persona, situation, {p.role for p in PERSONAS})
    if reply.status == 404:
        assert reply.error_code == "not_found"
        assert "title" not in reply.raw.decode()  # nothing about the deal leaks in the refusal


@pytest.mark.parametrize(("persona", "situation"), CASES, ids=IDS)
def test_activity_log(demo, api, persona, situation):
    reply = api.get(f"/v1/deals/{target(demo, persona, situation)}/activity", as_user=persona.email)
    assert reply.status == expected(persona, situation, {p.role for p in PERSONAS})


@pytest.mark.parametrize(("persona", "situation"), CASES, ids=IDS)
def test_edit_deal(demo, api, persona, situation):
    deal = target(demo, persona, situation)
    current = api.get(f"/v1/deals/{deal}", as_user=admin_of(situation)).json
    # re-sending the current title changes nothing, so allowed callers get 200 without altering the data
    reply = api.patch(
        f"/v1/deals/{deal}",
        {"title": current["title"]},
        as_user=persona.email,
        headers={"If-Match": f'"{current["version"]}"'},
    )
    assert reply.status == expected(persona, situation, STAFF_ROLES)


@pytest.mark.parametrize(("persona", "situation"), CASES, ids=IDS)
def test_invite_party(demo, api, persona, situation):
    deal = target(demo, persona, situation)
    email = f"invitee.{persona.role}.{situation}@example.com"
    reply = api.post(f"/v1/deals/{deal}/parties", {"email": email, "role": "lender"}, as_user=persona.email)
    allowed = expected(persona, situation, STAFF_ROLES) == 200
    assert reply.status == (201 if allowed else expected(persona, situation, STAFF_ROLES))
    assert (email in party_emails(api, deal, situation)) == allowed  # a refused invitation wrote nothing


@pytest.mark.parametrize(("persona", "situation"), CASES, ids=IDS)
def test_revoke_party(demo, api, persona, situation):
    deal = target(demo, persona, situation)
    admin = admin_of(situation)
    email = f"revokee.{persona.role}.{situation}@example.com"
    invited = api.post(f"/v1/deals/{deal}/parties", {"email": email, "role": "title"}, as_user=admin)
    assert invited.status == 201
    reply = api.delete(f"/v1/deals/{deal}/parties/{invited.json['user_id']}", as_user=persona.email)
    assert reply.status == expected(persona, situation, STAFF_ROLES)
    still_there = any(
        p["user_id"] == invited.json["user_id"] and p["status"] != "revoked"
        for p in api.get(f"/v1/deals/{deal}", as_user=admin).json["parties"]
    )
    assert still_there == (reply.status != 200)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.role for p in PERSONAS])
def test_me_answers_every_role(demo, api, persona):
    reply = api.get("/v1/me", as_user=persona.email)
    assert reply.status == 200
    assert reply.json["email"] == persona.email
    staff_roles = [s["role"] for s in reply.json["staff"]]
    assert staff_roles == ([persona.role] if persona.role in STAFF_ROLES else [])


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.role for p in PERSONAS])
def test_my_deals_lists_exactly_what_the_role_reaches(demo, api, persona):
    listed = {d["id"] for d in api.get("/v1/deals?limit=100", as_user=persona.email).json["items"]}
    assert deal_id(demo, persona.on_deal) in listed
    assert deal_id(demo, persona.other_org_deal) not in listed
    assert (deal_id(demo, persona.same_org_deal) in listed) == (persona.role in OPS_ROLES)


# -- fields ------------------------------------------------------------------------------------

INTERNAL = {"commission_rate", "risk_flags", "internal_owner_user_id", "external_id"}


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.role for p in PERSONAS])
def test_fields_each_role_sees(demo, api, persona):
    deal = api.get(f"/v1/deals/{deal_id(demo, persona.on_deal)}", as_user=persona.email).json
    staff = persona.role in STAFF_ROLES
    if staff:
        assert "risk_flags" in deal
    else:
        assert not INTERNAL & set(deal), f"{persona.role} sees internal fields"
    if persona.role == "vendor":
        assert "price" not in deal
        roles = {p["role"] for p in deal["parties"]}
        assert roles <= {"vendor", "agent", "coordinator"}, "a vendor sees only the deal team and itself"
    for party in deal["parties"]:
        own = party["email"] == persona.email if "email" in party else False
        if not staff and not own and party["role"] not in ("agent", "coordinator"):
            assert "email" not in party and "phone" not in party, (
                f"{persona.role} sees another party's contact"
            )
        if persona.role == "vendor" and not own:
            assert "email" not in party and "phone" not in party


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.role for p in PERSONAS])
def test_activity_fields_each_role_sees(demo, api, persona):
    events = api.get(f"/v1/deals/{deal_id(demo, persona.on_deal)}/activity", as_user=persona.email).json[
        "items"
    ]
    assert events, "every reachable deal has at least its creation in the log"
    for event in events:
        if persona.role in STAFF_ROLES:
            assert "visibility" in event
        else:
            assert "visibility" not in event and "internal" not in event["data"]
