"""`make run`'s demo accounts (devstack/demo_accounts.py), seeded here on the test demo data."""

from __future__ import annotations

from devstack.demo_accounts import seed_demo_accounts
from tests.accounts.support import COORDINATOR


def test_the_demo_shows_an_investor_entity_its_deal_a_household_and_a_reminded_invitation(seeded, api):
    found = seed_demo_accounts(seeded)

    investors = api.get(f"/v1/accounts/{found['investor_entity']}", as_user=COORDINATOR).json
    assert investors["kind"] == "investor_entity" and len(investors["members"]) == 2
    household = api.get(f"/v1/accounts/{found['household']}", as_user=COORDINATOR).json
    assert household["kind"] == "household"
    deals = api.get(f"/v1/accounts/{found['investor_entity']}/deals", as_user=COORDINATOR).json["items"]
    assert [d["id"] for d in deals] == [found["investor_deal"]]
    pending = api.get(f"/v1/deals/{found['investor_deal']}/invitations", as_user=COORDINATOR).json["items"]
    assert sorted((p["email"], p["reminders_sent"]) for p in pending) == [
        ("ian@harboroak.example", 0),
        ("ivy@harboroak.example", 1),
    ]
