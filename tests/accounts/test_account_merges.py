"""Merging duplicate accounts (ops; audited) and undoing the merge within 30 days."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from tests.accounts.support import ADMIN, AGENT, COORDINATOR, account_items, create
from tests.support.plans import open_deal

REASON = "Same family typed in twice"


def _pair(api):
    survivor = create(
        api,
        "The Parkers",
        kind="household",
        members=[{"name": "Pat Parker", "email": "pat@parker.example", "role": "primary"}],
        as_user=COORDINATOR,
    )
    duplicate = create(
        api,
        "Parker household",
        kind="household",
        members=[
            {"name": "Pat P.", "email": "pat@parker.example"},
            {"name": "Pam Parker", "email": "pam@parker.example"},
        ],
        as_user=COORDINATOR,
    )
    deal = open_deal(
        api, "purchase", [], {"offer_accepted": "2026-12-01"}, as_user=COORDINATOR, account_id=duplicate["id"]
    )
    return survivor, duplicate, deal


def _merge(api, survivor, duplicate, as_user=COORDINATOR):
    return api.post(
        "/v1/admin/account-merges",
        {"survivor_id": survivor["id"], "duplicate_id": duplicate["id"], "reason": REASON},
        as_user=as_user,
    )


def _deals(api, account):
    return [
        d["id"] for d in api.get(f"/v1/accounts/{account['id']}/deals", as_user=COORDINATOR).json["items"]
    ]


def test_a_merge_folds_the_duplicate_into_the_survivor_with_its_members_and_deals(seeded, api):
    survivor, duplicate, deal = _pair(api)
    merged = _merge(api, survivor, duplicate)
    assert merged.status == 201, merged.json
    assert merged.json["status"] == "done" and len(merged.json["added_member_ids"]) == 1
    assert merged.json["moved_deal_ids"] == [deal["id"]]

    kept = api.get(f"/v1/accounts/{survivor['id']}", as_user=AGENT).json
    assert sorted(m["email"] for m in kept["members"]) == ["pam@parker.example", "pat@parker.example"]
    gone = api.get(f"/v1/accounts/{duplicate['id']}", as_user=AGENT).json
    assert gone["status"] == "merged" and gone["merged_into"] == survivor["id"]
    assert _deals(api, survivor) == [deal["id"]] and _deals(api, duplicate) == []
    assert api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["account_id"] == survivor["id"]
    # the duplicate leaves the lists and the search by email
    assert [a["id"] for a in api.get("/v1/accounts?q=parker", as_user=AGENT).json["items"]] == []
    assert [
        a["id"] for a in api.get("/v1/accounts?email=pam@parker.example", as_user=AGENT).json["items"]
    ] == [survivor["id"]]
    # audited with its reason
    log = api.get("/v1/admin/activity?limit=10", as_user=ADMIN).json["items"]
    event = next(e for e in log if e["type"] == "account.merged")
    assert event["data"]["reason"] == REASON and event["data"]["duplicate_id"] == duplicate["id"]
    # a merged account takes no more edits
    refused = api.patch(
        f"/v1/accounts/{duplicate['id']}", {"name": "X"}, as_user=AGENT, headers={"If-Match": "2"}
    )
    assert refused.status == 409 and refused.error_code == "account_merged"


def test_undo_restores_both_accounts_as_they_were(seeded, api):
    survivor, duplicate, deal = _pair(api)
    merge = _merge(api, survivor, duplicate).json
    undone = api.post(
        f"/v1/admin/account-merges/{merge['id']}/undo", {"reason": "Not the same family"}, as_user=ADMIN
    )
    assert undone.status == 200, undone.json
    assert undone.json["status"] == "undone"

    kept = api.get(f"/v1/accounts/{survivor['id']}", as_user=AGENT).json
    back = api.get(f"/v1/accounts/{duplicate['id']}", as_user=AGENT).json
    assert [m["email"] for m in kept["members"]] == ["pat@parker.example"]
    assert back["status"] == "active" and "merged_into" not in back
    assert sorted(m["email"] for m in back["members"]) == ["pam@parker.example", "pat@parker.example"]
    assert _deals(api, duplicate) == [deal["id"]] and _deals(api, survivor) == []
    assert {a["id"] for a in api.get("/v1/accounts?q=parker", as_user=AGENT).json["items"]} == {
        duplicate["id"]
    }

    again = api.post(f"/v1/admin/account-merges/{merge['id']}/undo", {"reason": "Twice"}, as_user=ADMIN)
    assert again.status == 409 and again.error_code == "merge_undone"


def test_an_undo_after_30_days_is_refused(seeded, api, monkeypatch):
    survivor, duplicate, _ = _pair(api)
    merge = _merge(api, survivor, duplicate).json
    later = clock.now() + timedelta(days=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    refused = api.post(
        f"/v1/admin/account-merges/{merge['id']}/undo", {"reason": "Too late now"}, as_user=ADMIN
    )
    assert refused.status == 409 and refused.error_code == "undo_window_closed"


def test_agents_may_not_merge_and_nothing_is_written(seeded, api):
    survivor, duplicate, _ = _pair(api)
    before = account_items()
    refused = _merge(api, survivor, duplicate, as_user=AGENT)
    assert refused.status == 403 and refused.error_code == "ops_only"
    assert account_items() == before
    itself = api.post(
        "/v1/admin/account-merges",
        {"survivor_id": survivor["id"], "duplicate_id": survivor["id"], "reason": REASON},
        as_user=COORDINATOR,
    )
    assert itself.status == 422 and itself.error_code == "same_account"
    assert account_items() == before
