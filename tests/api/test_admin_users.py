"""User management (admins only) and the pipeline (ops), effective on the very next request."""

from __future__ import annotations

import pytest

from tests.support.demo import ADMIN, RIVAL_ADMIN

COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
RIVAL_COORDINATOR = "rory.coord@rivalrealty.example"
CLIENT = "bianca.buyer@mail.example"


def _id(api, email: str) -> str:
    return api.get("/v1/me", as_user=email).json["id"]


def _org_log(api) -> list[dict]:
    return api.get("/v1/admin/activity", as_user=ADMIN).json["items"]


def test_a_deactivated_user_is_refused_on_the_very_next_request_and_can_come_back(seeded, api):
    alex = _id(api, AGENT)
    reply = api.post(f"/v1/admin/users/{alex}/deactivate", {"reason": "left the brokerage"}, as_user=ADMIN)
    assert reply.status == 200 and reply.json["status"] == "deactivated"
    assert reply.json["status_reason"] == "left the brokerage"

    refused = api.get("/v1/deals", as_user=AGENT)
    assert refused.status == 403 and refused.error_code == "account_deactivated"
    event = _org_log(api)[0]
    assert event["type"] == "user.deactivated" and event["data"]["reason"] == "left the brokerage"
    assert event["actor"]["label"] == "Ada Park"

    back = api.post(f"/v1/admin/users/{alex}/reactivate", {"reason": "rehired"}, as_user=ADMIN)
    assert back.status == 200 and back.json["status"] == "active"
    assert api.get("/v1/deals", as_user=AGENT).status == 200
    assert [e["type"] for e in _org_log(api)[:2]] == ["user.reactivated", "user.deactivated"]


def test_deactivating_twice_changes_nothing_more(seeded, api):
    alex = _id(api, AGENT)
    for _ in range(2):
        assert api.post(f"/v1/admin/users/{alex}/deactivate", {"reason": "left"}, as_user=ADMIN).status == 200
    assert [e["type"] for e in _org_log(api)].count("user.deactivated") == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [(COORDINATOR, 403), (AGENT, 403), (RIVAL_ADMIN, 404), (RIVAL_COORDINATOR, 404), (CLIENT, 404)],
)
def test_only_an_admin_of_the_org_manages_its_users(seeded, api, who, status):
    target = _id(api, "avery.agent@harbormain.example")
    org = api.get("/v1/me", as_user=ADMIN).json["staff"][0]["org_id"]
    replies = [
        api.post(f"/v1/admin/users/{target}/deactivate", {"reason": "testing rights"}, as_user=who),
        api.post(f"/v1/admin/users/{target}/reactivate", {"reason": "testing rights"}, as_user=who),
        api.request(
            "PUT",
            f"/v1/admin/users/{target}/staff-role",
            json_body={"org_id": org, "role": "admin", "reason": "testing rights"},
            as_user=who,
        ),
    ]
    assert [r.status for r in replies] == [status] * 3
    # nothing was written: Avery still works, with the same role
    me = api.get("/v1/me", as_user="avery.agent@harbormain.example")
    assert me.status == 200 and me.json["staff"][0]["role"] == "agent"


def test_an_admin_manages_only_staff_of_their_org_and_not_themselves(seeded, api):
    assert (
        api.post(f"/v1/admin/users/{_id(api, CLIENT)}/deactivate", {"reason": "x" * 5}, as_user=ADMIN).status
        == 404
    )
    rival = _id(api, "remy.agent@rivalrealty.example")
    assert api.post(f"/v1/admin/users/{rival}/deactivate", {"reason": "x" * 5}, as_user=ADMIN).status == 404
    me = _id(api, ADMIN)
    reply = api.post(f"/v1/admin/users/{me}/deactivate", {"reason": "x" * 5}, as_user=ADMIN)
    assert reply.status == 403 and reply.error_code == "cannot_manage_self"
    assert api.post("/v1/admin/users/u_nope/deactivate", {"reason": "x" * 5}, as_user=ADMIN).status == 404


def test_a_reason_is_required(seeded, api):
    alex = _id(api, AGENT)
    for body in ({}, {"reason": ""}, {"reason": "left", "extra": 1}):
        assert api.post(f"/v1/admin/users/{alex}/deactivate", body, as_user=ADMIN).status == 422, body


def test_a_staff_role_change_is_effective_on_the_very_next_request(seeded, api):
    alex = _id(api, AGENT)
    org = api.get("/v1/me", as_user=ADMIN).json["staff"][0]["org_id"]
    assert api.get("/v1/admin/pipeline?workflow=purchase", as_user=AGENT).status == 403

    reply = api.request(
        "PUT",
        f"/v1/admin/users/{alex}/staff-role",
        json_body={"org_id": org, "role": "coordinator", "reason": "promoted to TC"},
        as_user=ADMIN,
    )
    assert reply.status == 200 and reply.json["role"] == "coordinator"
    assert api.get("/v1/me", as_user=AGENT).json["staff"][0]["role"] == "coordinator"
    assert api.get("/v1/admin/pipeline?workflow=purchase", as_user=AGENT).status == 200
    event = _org_log(api)[0]
    assert event["type"] == "staff.role_changed"
    assert event["data"] == {"org_id": org, "from": "agent", "to": "coordinator", "reason": "promoted to TC"}
    assert event["actor"]["label"] == "Ada Park"

    # a rival admin naming their own org: Alex is not their staff
    rival_org = api.get("/v1/me", as_user=RIVAL_ADMIN).json["staff"][0]["org_id"]
    reply = api.request(
        "PUT",
        f"/v1/admin/users/{alex}/staff-role",
        json_body={"org_id": rival_org, "role": "admin", "reason": "takeover"},
        as_user=RIVAL_ADMIN,
    )
    assert reply.status == 404


def test_the_pipeline_is_one_query_per_page_for_ops_of_the_org(seeded, api, ddb_calls):
    ddb_calls.reset()
    reply = api.get("/v1/admin/pipeline?workflow=purchase&limit=1", as_user=COORDINATOR)
    assert reply.status == 200 and ddb_calls.by_operation() == {"Query": 2}
    first = reply.json["items"]
    assert len(first) == 1 and reply.json["next_cursor"]
    rest = api.get(
        f"/v1/admin/pipeline?workflow=purchase&cursor={reply.json['next_cursor']}", as_user=COORDINATOR
    )
    titles = {d["title"] for d in first + rest.json["items"]}
    assert titles == {"Reyes purchase — 14 Elm St", "Quick purchase — 9 Birch Ln"}
    assert {"stage", "stage_entered_at", "days_in_stage"} <= set(first[0])

    one_stage = api.get("/v1/admin/pipeline?workflow=purchase&stage=due_diligence", as_user=ADMIN).json[
        "items"
    ]
    assert [d["title"] for d in one_stage] == ["Reyes purchase — 14 Elm St"]
    assert api.get("/v1/admin/pipeline", as_user=ADMIN).error_code == "workflow_required"
    assert api.get("/v1/admin/pipeline?workflow=purchase", as_user=AGENT).status == 403
    harbor = api.get("/v1/me", as_user=ADMIN).json["staff"][0]["org_id"]
    assert (
        api.get(f"/v1/admin/pipeline?workflow=purchase&org_id={harbor}", as_user=RIVAL_COORDINATOR).status
        == 404
    )
    rival = api.get("/v1/admin/pipeline?workflow=purchase", as_user=RIVAL_COORDINATOR).json["items"]
    assert [d["title"] for d in rival] == ["Fox purchase — 77 Ocean Ave"]
