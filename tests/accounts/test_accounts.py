"""Accounts: staff of the org create, read, list, search and edit them and their members; nobody else
learns they exist."""

from __future__ import annotations

from tests.accounts.support import (
    ADMIN,
    AGENT,
    CLIENT,
    COORDINATOR,
    RIVAL_ADMIN,
    account_items,
    create,
)


def test_an_agent_creates_an_investor_entity_with_its_members_and_reads_it_back(seeded, api):
    account = create(api)
    assert account["kind"] == "investor_entity" and account["status"] == "active"
    assert [(m["name"], m["email"], m["role"]) for m in account["members"]] == [
        ("Ian Partner", "ian@oakcapital.example", "signer"),
        ("Ivy Investor", "ivy@oakcapital.example", "primary"),
    ]
    assert account["members"][1]["phone"] == "+16175550150"  # normalized to E.164

    reply = api.get(f"/v1/accounts/{account['id']}", as_user=COORDINATOR)
    assert reply.status == 200 and reply.json == account
    assert reply.headers["ETag"] == '"1"'


def test_bad_input_is_refused_with_every_problem_at_once_and_nothing_written(seeded, api):
    before = account_items()
    reply = api.post(
        "/v1/accounts",
        {"kind": "castle", "name": "", "members": [{"name": "X", "email": "not-an-email", "role": "king"}]},
        as_user=AGENT,
    )
    assert reply.status == 422 and reply.error_code == "invalid_fields"
    fields = {d["field"] for d in reply.json["error"]["details"]}
    assert {"kind", "name", "members.0.email", "members.0.role"} <= fields
    assert account_items() == before


def test_the_same_person_twice_is_refused(seeded, api):
    twice = [{"name": "A", "email": "a@x.example"}, {"name": "A again", "email": "A@x.example"}]
    reply = api.post("/v1/accounts", {"kind": "household", "name": "The As", "members": twice}, as_user=AGENT)
    assert reply.status == 422 and reply.error_code == "duplicate_member"


def test_non_staff_and_another_org_are_told_the_account_does_not_exist(seeded, api):
    account = create(api)
    for outsider in (CLIENT, RIVAL_ADMIN):
        assert api.get(f"/v1/accounts/{account['id']}", as_user=outsider).status == 404
        patched = api.patch(
            f"/v1/accounts/{account['id']}", {"name": "Mine now"}, as_user=outsider, headers={"If-Match": "1"}
        )
        assert patched.status == 404
    before = account_items()
    refused = api.post("/v1/accounts", {"kind": "household", "name": "Sneaky"}, as_user=CLIENT)
    assert refused.status == 404
    assert api.get("/v1/accounts", as_user=CLIENT).status == 404
    assert account_items() == before
    assert api.get(f"/v1/accounts/{account['id']}", as_user=AGENT).json["name"] == "Oak Capital LLC"


def test_list_by_name_filter_by_kind_and_search_by_prefix_one_query_each(seeded, api, ddb_calls):
    create(api, "Oak Capital LLC")
    create(
        api, "Oakwood Household", kind="household", members=[{"name": "Olive", "email": "olive@mail.example"}]
    )
    create(api, "Birch Landlords", kind="landlord", members=[])

    ddb_calls.reset()
    everything = api.get("/v1/accounts?limit=100", as_user=AGENT)
    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, then one Query
    names = [a["name"] for a in everything.json["items"]]
    assert names == sorted(names, key=str.lower) and {"Oak Capital LLC", "Birch Landlords"} <= set(names)

    ddb_calls.reset()
    oak = api.get("/v1/accounts?q=oak", as_user=AGENT).json["items"]
    assert ddb_calls.by_operation() == {"Query": 2}
    assert [a["name"] for a in oak] == ["Oak Capital LLC", "Oakwood Household"]

    households = api.get("/v1/accounts?kind=household&q=OAK", as_user=AGENT).json["items"]
    assert [a["name"] for a in households] == ["Oakwood Household"]

    bad = api.get("/v1/accounts?kind=castle", as_user=AGENT)
    assert bad.status == 422 and bad.error_code == "invalid_kind"
    too_long = api.get("/v1/accounts?email=" + "a" * 400, as_user=AGENT)
    assert too_long.status == 422 and too_long.error_code == "invalid_query"


def test_search_by_member_email_finds_the_accounts_of_that_person(seeded, api, ddb_calls):
    oak = create(api, "Oak Capital LLC")
    create(
        api, "Ivy's household", kind="household", members=[{"name": "Ivy", "email": "ivy@oakcapital.example"}]
    )

    ddb_calls.reset()
    found = api.get("/v1/accounts?email=IVY@oakcapital.example", as_user=COORDINATOR)
    assert ddb_calls.by_operation() == {"Query": 2}
    assert sorted(a["name"] for a in found.json["items"]) == ["Ivy's household", "Oak Capital LLC"]
    assert {a["matched_member"]["email"] for a in found.json["items"]} == {"ivy@oakcapital.example"}
    assert oak["id"] in {a["id"] for a in found.json["items"]}


def test_pages_follow_the_cursor(seeded, api):
    for n in range(3):
        create(api, f"Page Test {n}", kind="team", members=[])
    first = api.get("/v1/accounts?kind=team&limit=2", as_user=AGENT).json
    second = api.get(f"/v1/accounts?kind=team&limit=2&cursor={first['next_cursor']}", as_user=AGENT).json
    assert [a["name"] for a in first["items"] + second["items"]][:3] == [
        "Page Test 0",
        "Page Test 1",
        "Page Test 2",
    ]
    tampered = api.get(f"/v1/accounts?kind=household&limit=2&cursor={first['next_cursor']}", as_user=AGENT)
    assert tampered.status == 400 and tampered.error_code == "invalid_cursor"


def test_editing_takes_if_match_and_renames_everywhere(seeded, api):
    account = create(api)
    path = f"/v1/accounts/{account['id']}"
    assert api.patch(path, {"name": "Oak Capital Partners"}, as_user=AGENT).status == 428
    stale = api.patch(path, {"name": "Oak Capital Partners"}, as_user=AGENT, headers={"If-Match": "7"})
    assert stale.status == 412

    renamed = api.patch(
        path,
        {"name": "Oak Capital Partners", "notes": "Buys duplexes"},
        as_user=AGENT,
        headers={"If-Match": "1"},
    )
    assert renamed.status == 200, renamed.json
    assert renamed.json["version"] == 2 and renamed.headers["ETag"] == '"2"'
    assert renamed.json["notes"] == "Buys duplexes"
    # the search by email shows the new name (the members' copies moved with it)
    found = api.get("/v1/accounts?email=ian@oakcapital.example", as_user=AGENT).json["items"]
    assert [a["name"] for a in found] == ["Oak Capital Partners"]
    assert [a["name"] for a in api.get("/v1/accounts?q=oak capital p", as_user=AGENT).json["items"]] == [
        "Oak Capital Partners"
    ]
    log = api.get("/v1/admin/activity?limit=5", as_user=ADMIN).json["items"]
    assert log[0]["type"] == "account.updated"


def test_members_are_added_once_and_removed(seeded, api):
    account = create(api)
    path = f"/v1/accounts/{account['id']}/members"
    added = api.post(
        path, {"name": "Uma Owner", "email": "uma@oakcapital.example", "role": "owner"}, as_user=AGENT
    )
    assert added.status == 201, added.json
    assert [m["email"] for m in added.json["members"]][-1] == "uma@oakcapital.example"
    again = api.post(path, {"name": "Uma", "email": "UMA@oakcapital.example"}, as_user=AGENT)
    assert again.status == 409 and again.error_code == "already_a_member"

    uma = next(m for m in added.json["members"] if m["email"] == "uma@oakcapital.example")
    removed = api.delete(f"{path}/{uma['id']}", as_user=AGENT)
    assert removed.status == 200
    assert "uma@oakcapital.example" not in {m["email"] for m in removed.json["members"]}
    assert api.get("/v1/accounts?email=uma@oakcapital.example", as_user=AGENT).json["items"] == []
    assert api.delete(f"{path}/{uma['id']}", as_user=AGENT).status == 404
    # and back again: the same member, present once
    back = api.post(path, {"name": "Uma Owner", "email": "uma@oakcapital.example"}, as_user=AGENT)
    assert back.status == 201
    assert [m["email"] for m in back.json["members"]].count("uma@oakcapital.example") == 1
