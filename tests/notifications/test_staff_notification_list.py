"""Staff list a person's notifications to resend one from the list: admins and coordinators of the org see
what their org sent, newest first, one channel at a time, optionally about one deal; nobody else sees any."""

from __future__ import annotations

import pytest

from tests.support.demo import deal_id
from tests.support.notify import stage_changed, user_id

ADMIN = "ada.admin@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
RIVAL_ADMIN = "rhea.admin@rivalrealty.example"
CLIENT = "bianca.buyer@mail.example"


def _path(email: str = CLIENT) -> str:
    return f"/v1/admin/users/{user_id(email)}/notifications"


def _emailed_twice(seeded, outbox, sent) -> str:
    """Given the client was emailed about two stage changes of her deal (Inspections, then Financing)."""
    deal = deal_id(seeded, "park_purchase")
    stage_changed(deal, AGENT)
    outbox.run()
    stage_changed(deal, COORDINATOR, to="financing", to_label="Financing", **{"from": "due_diligence"})
    outbox.run()
    assert len(sent.emails_to(CLIENT)) == 2
    return deal


def test_a_coordinator_sees_the_clients_emails_newest_first_and_resends_one_from_the_list(
    seeded, api, outbox, sent
):
    deal = _emailed_twice(seeded, outbox, sent)

    listed = api.get(_path(), as_user=COORDINATOR)

    assert listed.status == 200, listed.json
    items = listed.json["items"]
    assert [n["deal_id"] for n in items] == [deal, deal]
    assert "Financing" in items[0]["text"] and "Inspections" in items[1]["text"]
    assert {n["channel"] for n in items} == {"email"} and {n["state"] for n in items} == {"sent"}
    assert all(n["subject"] for n in items)

    # When she resends the newest from the list, the client is emailed again and the list shows it first
    resent = api.post(f"/v1/admin/notifications/{items[0]['id']}/resend", {}, as_user=COORDINATOR)
    assert resent.status == 201, resent.json
    assert len(sent.emails_to(CLIENT)) == 3
    again = api.get(_path(), as_user=COORDINATOR).json["items"]
    assert again[0]["resent_from"] == items[0]["id"] and len(again) == 3


def test_one_deal_and_one_channel_at_a_time(seeded, api, outbox, sent):
    deal = _emailed_twice(seeded, outbox, sent)
    other = deal_id(seeded, "quick_purchase")

    about_deal = api.get(f"{_path()}?deal_id={deal}", as_user=ADMIN).json["items"]
    about_other = api.get(f"{_path()}?deal_id={other}", as_user=ADMIN).json["items"]
    in_app = api.get(f"{_path()}?channel=in_app&deal_id={deal}", as_user=ADMIN).json["items"]

    assert [n["deal_id"] for n in about_deal] == [deal, deal]
    assert about_other == []
    assert len(in_app) == 2 and {n["channel"] for n in in_app} == {"in_app"}
    bad = api.get(f"{_path()}?channel=fax", as_user=ADMIN)
    assert bad.status == 422 and bad.json["error"]["code"] == "invalid_channel"


def test_pages_follow_the_cursor(seeded, api, outbox, sent):
    _emailed_twice(seeded, outbox, sent)

    one = api.get(f"{_path()}?limit=1", as_user=ADMIN).json
    two = api.get(f"{_path()}?limit=1&cursor={one['next_cursor']}", as_user=ADMIN).json

    assert len(one["items"]) == 1 and "Financing" in one["items"][0]["text"]
    assert len(two["items"]) == 1 and "Inspections" in two["items"][0]["text"]


@pytest.mark.parametrize(("who", "status"), [(AGENT, 403), (CLIENT, 403)])
def test_agents_and_clients_are_refused(seeded, api, outbox, sent, who, status):
    _emailed_twice(seeded, outbox, sent)
    reply = api.get(_path(), as_user=who)
    assert reply.status == status, reply.json
    assert "items" not in reply.json


def test_another_org_sees_nothing_this_org_sent_and_cannot_name_it(seeded, api, outbox, sent):
    _emailed_twice(seeded, outbox, sent)
    harbor = api.get("/v1/me", as_user=ADMIN).json["staff"][0]["org_id"]

    own = api.get(_path(), as_user=RIVAL_ADMIN)
    named = api.get(f"{_path()}?org_id={harbor}", as_user=RIVAL_ADMIN)

    assert own.status == 200 and own.json["items"] == []
    assert named.status == 404


def test_a_page_costs_the_caller_and_one_query(seeded, api, outbox, sent, ddb_calls):
    _emailed_twice(seeded, outbox, sent)
    path = _path()
    ddb_calls.reset()
    reply = api.get(path, as_user=COORDINATOR)
    assert reply.status == 200 and len(reply.json["items"]) == 2
    assert ddb_calls.by_operation() == {"Query": 2}
