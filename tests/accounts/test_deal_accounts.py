"""A deal may belong to an account: set when opening it or by PATCH, shown to staff only, listed under the
account; and the account's members get access to it in one step."""

from __future__ import annotations

from tests.accounts.support import AGENT, CLIENT, COORDINATOR, RIVAL_ADMIN, all_items, create
from tests.support.plans import join, open_deal


def _deal(api, account_id: str | None = None, parties=None):
    extra = {"account_id": account_id} if account_id else {}
    return open_deal(
        api,
        "purchase",
        parties if parties is not None else [{"email": CLIENT, "role": "client"}],
        {"offer_accepted": "2026-12-01"},
        **extra,
    )


def test_a_deal_opened_for_an_account_shows_it_to_staff_and_is_listed_under_it(seeded, api, ddb_calls):
    account = create(api)
    deal = _deal(api, account["id"])
    assert deal["account_id"] == account["id"]
    other = _deal(api, account["id"])

    ddb_calls.reset()
    listed = api.get(f"/v1/accounts/{account['id']}/deals", as_user=AGENT)
    # the caller, the account (GetItem), one Query
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1}
    assert [d["id"] for d in listed.json["items"]] == [other["id"], deal["id"]]

    first = api.get(f"/v1/accounts/{account['id']}/deals?limit=1", as_user=AGENT).json
    second = api.get(
        f"/v1/accounts/{account['id']}/deals?limit=1&cursor={first['next_cursor']}", as_user=AGENT
    )
    assert [d["id"] for d in first["items"] + second.json["items"]] == [other["id"], deal["id"]]
    assert api.get(f"/v1/accounts/{account['id']}/deals", as_user=RIVAL_ADMIN).status == 404


def test_an_unknown_or_foreign_account_is_refused_and_no_deal_is_opened(seeded, api):
    deals_before = sum(1 for i in all_items() if i["SK"]["S"] == "W#DEAL")
    body = {
        "workflow": "purchase",
        "title": "Nope",
        "property": {"address": {"line1": "1 A St", "city": "Boston", "state": "MA", "postal_code": "02110"}},
        "account_id": "ac_aaaaaaaaaaaaaaaaaaaaaaaaaa",
    }
    reply = api.post("/v1/deals", body, as_user=COORDINATOR)
    assert reply.status == 422 and reply.error_code == "unknown_account"
    assert sum(1 for i in all_items() if i["SK"]["S"] == "W#DEAL") == deals_before


def test_patch_moves_a_deal_to_an_account_and_out_of_it_and_clients_never_see_it(seeded, api):
    account = create(api)
    deal = _deal(api)
    moved = api.patch(
        f"/v1/deals/{deal['id']}",
        {"account_id": account["id"]},
        as_user=COORDINATOR,
        headers={"If-Match": str(deal["version"])},
    )
    assert moved.status == 200, moved.json
    assert moved.json["account_id"] == account["id"]
    assert [
        d["id"] for d in api.get(f"/v1/accounts/{account['id']}/deals", as_user=COORDINATOR).json["items"]
    ] == [deal["id"]]
    detached = api.patch(
        f"/v1/deals/{deal['id']}",
        {"account_id": None},
        as_user=COORDINATOR,
        headers={"If-Match": str(moved.json["version"])},
    )
    assert detached.status == 200 and "account_id" not in detached.json
    assert api.get(f"/v1/accounts/{account['id']}/deals", as_user=COORDINATOR).json["items"] == []


def test_the_accounts_members_get_access_in_one_step_and_a_repeat_invites_nobody_twice(
    seeded, api, ddb_calls
):
    account = create(api)
    # Ian is already a party: he is skipped
    deal = _deal(api, account["id"], parties=[{"email": "ian@oakcapital.example", "role": "co_client"}])

    ddb_calls.reset()
    granted = api.post(f"/v1/deals/{deal['id']}/account-access", {"role": "client"}, as_user=COORDINATOR)
    assert granted.status == 200, granted.json
    # caller, workspace, account, the members' users (BatchGetItem), one transaction
    assert ddb_calls.by_operation() == {"Query": 3, "BatchGetItem": 1, "TransactWriteItems": 1}
    assert [i["email"] for i in granted.json["invited"]] == ["ivy@oakcapital.example"]
    assert granted.json["invited"][0]["status"] == "invited" and granted.json["invited"][0]["invitation_id"]
    assert len(granted.json["already_parties"]) == 1

    ws = api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json
    ivy = next(p for p in ws["parties"] if p["email"] == "ivy@oakcapital.example")
    assert ivy["role"] == "client" and ivy["status"] == "invited"

    again = api.post(f"/v1/deals/{deal['id']}/account-access", {"role": "client"}, as_user=COORDINATOR)
    assert again.status == 200 and again.json["invited"] == [] and len(again.json["already_parties"]) == 2
    parties = api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["parties"]
    assert [p["email"] for p in parties].count("ivy@oakcapital.example") == 1


def test_a_client_may_not_give_access_and_nothing_is_written(seeded, api, ddb_calls):
    account = create(api)
    deal = _deal(api, account["id"])
    client = next(p for p in deal["parties"] if p["email"] == CLIENT)
    join(deal["id"], client["user_id"])
    ddb_calls.reset()
    refused = api.post(f"/v1/deals/{deal['id']}/account-access", {"role": "client"}, as_user=CLIENT)
    assert refused.status == 403
    assert "TransactWriteItems" not in ddb_calls.by_operation()
    no_account = _deal(api)
    missing = api.post(
        f"/v1/deals/{no_account['id']}/account-access", {"role": "client"}, as_user=COORDINATOR
    )
    assert missing.status == 422 and missing.error_code == "no_account"
    staff_role = api.post(f"/v1/deals/{deal['id']}/account-access", {"role": "agent"}, as_user=COORDINATOR)
    assert staff_role.status == 422 and staff_role.error_code == "role_not_allowed"


def test_forty_new_members_are_invited_in_batches_of_one_transaction_each_and_nobody_twice(
    seeded, api, ddb_calls
):
    members = [{"name": f"Member {n}", "email": f"m{n}@bigfund.example"} for n in range(40)]
    account = create(api, "Big Fund LP", members=members, as_user=COORDINATOR)
    deal = _deal(api, account["id"])

    ddb_calls.reset()
    granted = api.post(f"/v1/deals/{deal['id']}/account-access", {"role": "co_client"}, as_user=COORDINATOR)
    assert granted.status == 200, granted.json
    assert len(granted.json["invited"]) == 40
    # 40 new people (user, party, invitation each) do not fit one transaction of 100 items
    assert ddb_calls.by_operation()["TransactWriteItems"] >= 2
    again = api.post(f"/v1/deals/{deal['id']}/account-access", {"role": "co_client"}, as_user=COORDINATOR)
    assert again.json["invited"] == [] and len(again.json["already_parties"]) == 40
    parties = api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["parties"]
    assert sum(1 for p in parties if p["email"].endswith("@bigfund.example")) == 40


def test_parties_never_see_the_deals_account_and_may_not_set_it(seeded, api):
    account = create(api)
    deal = _deal(api, account["id"])
    client = next(p for p in deal["parties"] if p["email"] == CLIENT)
    join(deal["id"], client["user_id"])
    seen = api.get(f"/v1/deals/{deal['id']}", as_user=CLIENT)
    assert seen.status == 200 and "account_id" not in seen.json
    refused = api.patch(
        f"/v1/deals/{deal['id']}",
        {"account_id": None},
        as_user=CLIENT,
        headers={"If-Match": str(deal["version"])},
    )
    assert refused.status == 403
    assert api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["account_id"] == account["id"]
