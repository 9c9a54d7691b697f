"""The lead queue and qualification (docs/INTAKE.md): routing, duplicates, moves, conversion, budgets."""

from __future__ import annotations

import pytest

from chalicelib.store import users as user_store
from chalicelib.store.intake_models import LeadItem
from chalicelib.store.models import DealItem
from tests.intake.conftest import (
    ADMIN,
    ALEX,
    AVERY,
    COORD,
    RIVAL_COORD,
    form,
    lead_count,
    leads,
    send,
    stored,
)

BEACON = {"address": {"line1": "48 Beacon Street", "city": "Boston", "state": "MA", "postal_code": "02108"}}


def uid(email: str) -> str:
    user, _ = user_store.load_principal(email)
    assert user is not None
    return user.user_id


def named(api, name: str, who: str = COORD) -> dict:
    return next(x for x in leads(api, who) if x["contact_name"] == name)


def test_the_demo_has_leads_in_every_status(api, seeded):
    statuses = {x["status"] for x in leads(api)}

    assert statuses == {"new", "contacted", "qualified", "converted", "disqualified"}


def test_round_robin_alternates_within_the_team(api, seeded):
    send(api, form("first@mail.example", name="First Buyer"))
    send(api, form("second@mail.example", name="Second Buyer"))

    owners = {named(api, "First Buyer")["owner_user_id"], named(api, "Second Buyer")["owner_user_id"]}

    assert owners == {uid(ALEX), uid(AVERY)}


def test_a_concurrent_submission_cannot_take_the_same_turn(seeded):
    from chalicelib.domain.errors import Conflict
    from chalicelib.store import intake as store
    from chalicelib.store.unit_of_work import UnitOfWork

    org_id = seeded.orgs["Harbor & Main Realty"]
    turn = store.second_read(None, None, org_id=org_id, rule="buyers").counter
    winner, loser = UnitOfWork(), UnitOfWork()
    for uow in (winner, loser):
        store.next_in_rotation(uow, org_id, "buyers", turn)
    _commit_with_event(winner, org_id)

    with pytest.raises(Conflict) as refused:
        _commit_with_event(loser, org_id)
    assert refused.value.code == "routing_turn_taken"
    assert store.second_read(None, None, org_id=org_id, rule="buyers").counter == turn + 1


def _commit_with_event(uow, org_id: str) -> None:
    from chalicelib.domain.entities import SYSTEM
    from chalicelib.domain.events import EventType
    from chalicelib.services.activity import org_event

    uow.record(org_event(org_id, SYSTEM, EventType.ORG_SETTINGS_CHANGED, "turn", data={"changes": []}))
    uow.commit()


def test_routing_by_scenario_and_postal_code_then_fallback(api, seeded):
    send(api, form("seller@mail.example", scenario="sell", name="Downtown Seller", property=BEACON))
    elsewhere = {"address": {**BEACON["address"], "postal_code": "02134"}}
    send(api, form("far@mail.example", scenario="sell", name="Far Seller", property=elsewhere))

    assert named(api, "Downtown Seller")["owner_user_id"] == uid(AVERY)
    far = named(api, "Far Seller")
    assert far["owner_user_id"] == uid(COORD) and far["routed_by"] == "fallback"


def test_the_same_person_again_is_linked_not_duplicated(api, seeded):
    before = lead_count()

    send(api, form("nora.lind@mail.example", name="Nora Lind"))  # an open buy lead already

    assert lead_count() == before
    assert named(api, "Nora Lind")["submissions"] == 2


def test_the_same_phone_finds_the_same_contact(api, seeded):
    body = form("nora.other@mail.example", name="Nora Lind", scenario="rent")
    body["contact"]["phone"] = "(617) 555-0111"  # Nora's number, typed another way

    send(api, body)

    rent = next(x for x in leads(api) if x["scenario"] == "rent" and x["contact_name"] == "Nora Lind")
    buy = next(x for x in leads(api) if x["scenario"] == "buy" and x["contact_name"] == "Nora Lind")
    assert rent["contact_id"] == buy["contact_id"]


def test_the_same_address_written_differently_is_the_same_property(api, seeded):
    same = {
        "address": {"line1": "48 beacon st.", "city": "BOSTON", "state": "MA", "postal_code": "02108-1234"}
    }

    send(api, form("omar.twin@mail.example", scenario="sell", name="Omar Twin", property=same))

    assert named(api, "Omar Twin")["property_id"] == named(api, "Omar Haddad")["property_id"]


def test_near_duplicates_are_flagged_for_staff(api, seeded):
    send(api, form("nora.lind@mial.example", name="Nora Lindt"))  # a typo in the domain
    at_beacon = form("omar.h@elsewhere.example", scenario="sell", name="Omar Hadad", property=BEACON)
    send(api, at_beacon)  # a similar name at the same property

    nora = named(api, "Nora Lind")
    typo = named(api, "Nora Lindt")
    assert [c["reason"] for c in typo["candidates"]] == ["similar_email"]
    assert typo["candidates"][0]["id"] == nora["contact_id"]
    hadad = named(api, "Omar Hadad")
    assert {"similar_name_same_property"} <= {c["reason"] for c in hadad["candidates"]}


def test_the_queue_filters_by_status_and_owner_one_query_per_page(api, seeded, ddb_calls):
    send(api, form("another@mail.example", name="Another New"))
    ddb_calls.reset()
    reply = api.get("/v1/admin/leads?status=new&limit=1", as_user=COORD)

    assert reply.status == 200 and len(reply.json["items"]) == 1 and reply.json["next_cursor"]
    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, then one page
    page2 = api.get(f"/v1/admin/leads?status=new&limit=1&cursor={reply.json['next_cursor']}", as_user=COORD)
    assert page2.json["items"][0]["id"] != reply.json["items"][0]["id"]
    avery = leads(api, COORD, f"&owner={uid(AVERY)}")
    assert avery and all(x["owner_user_id"] == uid(AVERY) for x in avery)


def test_agents_see_only_their_own_leads_and_other_orgs_see_nothing(api, seeded):
    mine = leads(api, ALEX)
    assert mine and all(x["owner_user_id"] == uid(ALEX) for x in mine)
    assert api.get(f"/v1/admin/leads?owner={uid(AVERY)}", as_user=ALEX).error_code == "own_leads_only"
    lead_id = named(api, "Nora Lind")["id"]
    assert api.get(f"/v1/admin/leads/{lead_id}", as_user=RIVAL_COORD).status == 404
    assert api.get("/v1/admin/leads", as_user="bianca.buyer@mail.example").error_code == "staff_only"
    assert [x["contact_name"] for x in leads(api, RIVAL_COORD)] == []


def test_a_lead_moves_forward_and_disqualifying_needs_a_reason(api, seeded):
    lead = named(api, "Nora Lind")
    path = f"/v1/admin/leads/{lead['id']}/status"

    refused = api.post(path, {"status": "disqualified"}, as_user=COORD)

    assert refused.status == 422 and refused.error_code == "reason_required"
    assert api.get(f"/v1/admin/leads/{lead['id']}", as_user=COORD).json["version"] == lead["version"]
    contacted = api.post(path, {"status": "contacted"}, as_user=COORD)
    assert (
        contacted.status == 200 and contacted.json["status"] == "contacted" and contacted.json["contacted_at"]
    )
    assert api.post(path, {"status": "contacted"}, as_user=COORD).error_code == "invalid_lead_move"
    stale = api.post(path, {"status": "qualified"}, as_user=COORD, headers={"If-Match": '"1"'})
    assert stale.status == 412
    out = api.post(path, {"status": "disqualified", "reason": "Bought elsewhere"}, as_user=COORD)
    assert out.json["status"] == "disqualified" and out.json["disqualify_reason"] == "Bought elsewhere"
    assert api.post(path, {"status": "qualified"}, as_user=COORD).error_code == "lead_closed"


def test_converting_opens_one_deal_with_the_person_and_the_routed_agent(api, seeded):
    send(api, form("convert.me@mail.example", scenario="sell", name="Cleo Convert", property=BEACON))
    lead = named(api, "Cleo Convert")
    deals_before = len(stored(DealItem))

    first = api.post(f"/v1/admin/leads/{lead['id']}/convert", {}, as_user=COORD)
    again = api.post(f"/v1/admin/leads/{lead['id']}/convert", {}, as_user=ADMIN)

    assert first.status == 200 and first.json["status"] == "converted" and first.json["deal_id"]
    assert again.json["deal_id"] == first.json["deal_id"]
    assert len(stored(DealItem)) == deals_before + 1
    deal = api.get(f"/v1/deals/{first.json['deal_id']}", as_user=COORD).json
    assert deal["workflow"] == "listing" and deal["property"]["property_id"] == lead["property_id"]
    roles = {(p["role"], p.get("email")) for p in deal["parties"]}
    assert ("client", "convert.me@mail.example") in roles
    assert ("agent", AVERY) in roles
    stored_lead = next(i for i in LeadItem.scan() if isinstance(i, LeadItem) and i.lead_id == lead["id"])
    assert stored_lead.deal_id == first.json["deal_id"]


def test_a_lead_without_a_property_cannot_convert_and_nothing_is_written(api, seeded):
    lead = named(api, "Nora Lind")
    deals_before = len(stored(DealItem))

    refused = api.post(f"/v1/admin/leads/{lead['id']}/convert", {}, as_user=COORD)

    assert refused.status == 422 and refused.error_code == "property_required"
    assert len(stored(DealItem)) == deals_before
    assert named(api, "Nora Lind")["status"] == "new"
