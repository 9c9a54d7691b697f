"""API clients for machines (docs/API_CLIENTS.md): an org admin creates one with scopes; its access tokens
open exactly the routes those scopes name, within its org only; it is audited as itself; revoking it
refuses its very next request."""

from __future__ import annotations

import os

import boto3
import pytest

from app import app  # noqa: F401 - registers every route
from chalicelib.api.http import ROUTES
from chalicelib.api.machine_scopes import ROUTE_SCOPES
from chalicelib.domain.api_clients import Scope
from tests.support.demo import ADMIN, RIVAL_ADMIN, deal_id

COORDINATOR = "cora.coord@harbormain.example"


def _cognito():
    return boto3.client("cognito-idp", region_name=os.environ["AWS_REGION"])


def _create(api, scopes, *, name="Acme CRM", as_user=ADMIN):
    reply = api.post("/v1/admin/api-clients", {"name": name, "scopes": scopes}, as_user=as_user)
    assert reply.status == 201, reply.json
    return reply.json


def _token(api, client, scopes=None):
    return api.signer.mint_client(client["id"], scopes if scopes is not None else client["scopes"])


def _clients(api):
    return api.get("/v1/admin/api-clients", as_user=ADMIN).json["items"]


def test_every_authenticated_route_says_whether_machines_may_call_it():
    routes = {(r.method, r.path) for r in ROUTES if r.auth}
    assert sorted(routes - set(ROUTE_SCOPES)) == [], "add these routes to api/machine_scopes.py"
    assert sorted(set(ROUTE_SCOPES) - routes) == [], "these entries name no route"
    named = {scope for scope in ROUTE_SCOPES.values() if scope is not None}
    assert named == {s.value for s in Scope}, "machine_scopes.py names a scope API clients do not have"


def test_an_admin_creates_a_client_whose_secret_is_shown_once(seeded, api):
    created = _create(api, ["deals:read", "documents:read"])
    assert created["client_secret"] and created["status"] == "active"
    assert created["token_scopes"] == ["threshold/deals:read", "threshold/documents:read"]
    pool = os.environ["USER_POOL_ID"]
    app_client = _cognito().describe_user_pool_client(UserPoolId=pool, ClientId=created["id"])[
        "UserPoolClient"
    ]
    assert app_client["AllowedOAuthFlows"] == ["client_credentials"]
    assert sorted(app_client["AllowedOAuthScopes"]) == ["threshold/deals:read", "threshold/documents:read"]
    shown = api.get(f"/v1/admin/api-clients/{created['id']}", as_user=ADMIN).json
    assert "client_secret" not in shown and shown["scopes"] == ["deals:read", "documents:read"]
    assert created["id"] in [c["id"] for c in _clients(api)]
    log = api.get("/v1/admin/activity", as_user=ADMIN).json["items"]
    event = next(e for e in log if e["type"] == "api_client.created")
    assert event["data"]["client_id"] == created["id"]
    assert created["client_secret"] not in str(log)


def test_only_an_admin_of_the_org_manages_clients(seeded, api):
    created = _create(api, ["deals:read"])
    before = _clients(api)
    refused = api.post(
        "/v1/admin/api-clients", {"name": "Mine", "scopes": ["deals:read"]}, as_user=COORDINATOR
    )
    assert refused.status == 403
    assert api.get(f"/v1/admin/api-clients/{created['id']}", as_user=RIVAL_ADMIN).status == 404
    assert api.delete(f"/v1/admin/api-clients/{created['id']}", as_user=RIVAL_ADMIN).status == 404
    assert api.delete(f"/v1/admin/api-clients/{created['id']}", as_user=COORDINATOR).status == 403
    assert _clients(api) == before  # nothing was created or revoked


def test_bad_input_lists_every_problem_and_creates_nothing(seeded, api):
    before = _clients(api)
    reply = api.post("/v1/admin/api-clients", {"name": "", "scopes": ["deals:delete"]}, as_user=ADMIN)
    assert reply.status == 422 and reply.error_code == "invalid_fields"
    assert {d["field"].split(".")[0] for d in reply.json["error"]["details"]} == {"name", "scopes"}
    assert _clients(api) == before


def test_a_read_only_client_reads_but_cannot_write(seeded, api):
    client = _create(api, ["deals:read"])
    token = _token(api, client)
    deal = deal_id(seeded, "park_purchase")
    before = api.get(f"/v1/deals/{deal}", token=token)
    assert before.status == 200
    patch = api.patch(
        f"/v1/deals/{deal}", {"title": "Renamed by a robot"}, token=token, headers={"If-Match": '"1"'}
    )
    assert patch.status == 403 and patch.error_code == "insufficient_scope"
    posted = api.post(f"/v1/deals/{deal}/messages", {"body": "hello"}, token=token)
    assert posted.status == 403 and posted.error_code == "insufficient_scope"
    after = api.get(f"/v1/deals/{deal}", as_user=ADMIN).json
    assert after["title"] == before.json["title"] and after["version"] == before.json["version"]
    messages = api.get(f"/v1/deals/{deal}/messages", as_user=ADMIN).json["items"]
    assert all(m.get("body") != "hello" for m in messages)


def test_a_token_carrying_scopes_the_client_was_not_granted_gains_nothing(seeded, api):
    client = _create(api, ["deals:read"])
    token = _token(api, client, ["deals:read", "deals:write"])
    deal = deal_id(seeded, "park_purchase")
    assert (
        api.post(f"/v1/deals/{deal}/messages", {"body": "hi"}, token=token).error_code == "insufficient_scope"
    )


def test_a_client_stays_in_its_org(seeded, api):
    token = _token(api, _create(api, ["deals:read", "deals:write"]))
    rival = deal_id(seeded, "rival_listing")
    assert api.get(f"/v1/deals/{rival}", token=token).status == 404
    assert api.post(f"/v1/deals/{rival}/messages", {"body": "hi"}, token=token).status == 404
    own = {d["id"] for d in api.get("/v1/deals?limit=100", token=token).json["items"]}
    assert rival not in own and deal_id(seeded, "quick_purchase") in own


@pytest.mark.parametrize("path", ["/v1/me", "/v1/notifications", "/v1/me/calendar", "/v1/admin/api-clients"])
def test_routes_for_people_refuse_a_client(seeded, api, path):
    token = _token(api, _create(api, ["deals:read", "deals:write", "documents:read"]))
    reply = api.get(path, token=token)
    assert reply.status == 403 and reply.error_code == "not_for_api_clients"


def test_a_client_is_audited_as_itself(seeded, api):
    client = _create(api, ["deals:read", "deals:write"], name="Acme CRM")
    token = _token(api, client)
    deal = deal_id(seeded, "park_purchase")
    task = api.post(
        f"/v1/deals/{deal}/tasks", {"title": "Call the appraiser", "stage": "under_contract"}, token=token
    )
    assert task.status == 201
    events = api.get(f"/v1/deals/{deal}/activity", as_user=ADMIN).json["items"]
    created = next(e for e in events if e["type"] == "task.created")
    assert created["actor"] == {"user_id": f"client:{client['id']}", "label": "Acme CRM (API client)"}
    parties = api.get(f"/v1/deals/{deal}", as_user=ADMIN).json["parties"]
    assert all(not p["user_id"].startswith("client:") for p in parties)  # a client never becomes a party


def test_revoking_refuses_the_very_next_request(seeded, api):
    client = _create(api, ["deals:read"])
    token = _token(api, client)
    deal = deal_id(seeded, "park_purchase")
    assert api.get(f"/v1/deals/{deal}", token=token).status == 200
    revoked = api.delete(f"/v1/admin/api-clients/{client['id']}", as_user=ADMIN)
    assert revoked.status == 200 and revoked.json["status"] == "revoked"
    refused = api.get(f"/v1/deals/{deal}", token=token)
    assert refused.status == 401 and refused.error_code == "api_client_revoked"
    with pytest.raises(_cognito().exceptions.ResourceNotFoundException):
        _cognito().describe_user_pool_client(UserPoolId=os.environ["USER_POOL_ID"], ClientId=client["id"])
    again = api.post(f"/v1/admin/api-clients/{client['id']}/revoke", as_user=ADMIN)
    assert again.status == 200 and again.json["revoked_at"] == revoked.json["revoked_at"]
    log = api.get("/v1/admin/activity", as_user=ADMIN).json["items"]
    assert [e["type"] for e in log].count("api_client.revoked") == 1


def test_tokens_that_are_not_a_registered_clients_are_refused(seeded, api):
    deal = deal_id(seeded, "park_purchase")
    unknown = api.signer.mint_client("unknownclient0000000000000", ["deals:read"])
    assert api.get(f"/v1/deals/{deal}", token=unknown).error_code == "invalid_token"
    # a person's access token (their sub is not the client) is not an API client's
    client = _create(api, ["deals:read"])
    personal = api.signer.mint_client(client["id"], ["deals:read"], sub="a-person")
    assert api.get(f"/v1/deals/{deal}", token=personal).error_code == "invalid_token"


def test_a_clients_request_reads_its_record_instead_of_a_user(seeded, api, ddb_calls):
    token = _token(api, _create(api, ["deals:read"]))
    deal = deal_id(seeded, "park_purchase")
    ddb_calls.reset()
    assert api.get(f"/v1/deals/{deal}", token=token).status == 200
    assert ddb_calls.by_operation() == {"GetItem": 1, "Query": 1}  # the client, then the deal partition
    ddb_calls.reset()
    assert api.get("/v1/deals", token=token).status == 200
    assert ddb_calls.by_operation() == {"GetItem": 1, "Query": 1}


def test_creating_and_revoking_are_one_transaction_each(seeded, api, ddb_calls):
    ddb_calls.reset()
    client = _create(api, ["deals:read"])
    assert ddb_calls.by_operation() == {"Query": 1, "TransactWriteItems": 1}
    ddb_calls.reset()
    assert api.delete(f"/v1/admin/api-clients/{client['id']}", as_user=ADMIN).status == 200
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}


def test_the_demo_has_a_read_only_crm_client(seeded, api):
    (client_id,) = seeded.api_clients.values()
    token = api.signer.mint_client(client_id, ["deals:read", "deals:write", "documents:read"])
    deal = deal_id(seeded, "park_purchase")
    assert api.get(f"/v1/deals/{deal}", token=token).status == 200
    assert (
        api.post(f"/v1/deals/{deal}/messages", {"body": "x"}, token=token).error_code == "insufficient_scope"
    )


def test_a_retried_create_makes_one_client_and_never_stores_its_secret(seeded, api):
    body = {"name": "Retry CRM", "scopes": ["deals:read"]}
    headers = {"Idempotency-Key": "create-crm-1"}
    first = api.post("/v1/admin/api-clients", body, as_user=ADMIN, headers=headers)
    again = api.post("/v1/admin/api-clients", body, as_user=ADMIN, headers=headers)
    assert first.status == again.status == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json["id"] == first.json["id"]
    assert first.json["client_secret"] not in again.raw.decode()  # the replay comes from the table
    assert [c["name"] for c in _clients(api)].count("Retry CRM") == 1


def test_listing_clients_is_one_query_per_page(seeded, api, ddb_calls):
    for n in range(3):
        _create(api, ["deals:read"], name=f"CRM {n}")
    ddb_calls.reset()
    first = api.get("/v1/admin/api-clients?limit=2", as_user=ADMIN)
    assert first.status == 200 and len(first.json["items"]) == 2 and first.json["next_cursor"]
    assert ddb_calls.by_operation() == {"Query": 2}  # the caller, one page
    rest = api.get(f"/v1/admin/api-clients?limit=2&cursor={first.json['next_cursor']}", as_user=ADMIN)
    names = [c["name"] for c in first.json["items"] + rest.json["items"]]
    assert {"CRM 0", "CRM 1", "CRM 2"} <= set(names) and len(names) == len(set(names))


def test_cognitos_quota_of_app_clients_is_a_409_and_nothing_is_recorded(seeded, api, monkeypatch):
    from botocore.exceptions import ClientError

    from chalicelib.store import api_clients as store

    def over_quota(*_args, **_kwargs):
        raise ClientError(
            {"Error": {"Code": "LimitExceededException", "Message": "quota"}}, "CreateUserPoolClient"
        )

    before = _clients(api)
    monkeypatch.setattr(store, "_create", over_quota)
    reply = api.post(
        "/v1/admin/api-clients", {"name": "One too many", "scopes": ["deals:read"]}, as_user=ADMIN
    )
    assert reply.status == 409 and reply.error_code == "api_client_limit_reached"
    assert _clients(api) == before
    log = api.get("/v1/admin/activity", as_user=ADMIN).json["items"]
    assert not [e for e in log if e["type"] == "api_client.created" and e["data"]["name"] == "One too many"]


def test_a_writing_client_opens_a_deal_in_its_org_without_becoming_a_party(seeded, api):
    client = _create(api, ["deals:read", "deals:write"], name="Lead importer")
    body = {
        "workflow": "purchase",
        "title": "Purchase of 3 Elm Street",
        "property": {
            "address": {"line1": "3 Elm Street", "city": "Boston", "state": "MA", "postal_code": "02110"}
        },
        "key_dates": {"offer_accepted": "2026-12-01"},
        "parties": [{"email": "new.buyer@mail.example", "role": "client", "name": "New Buyer"}],
    }
    reply = api.post("/v1/deals", body, token=_token(api, client))
    assert reply.status == 201, reply.json
    deal = reply.json
    harbor = api.get("/v1/me", as_user=ADMIN).json["staff"][0]["org_id"]
    assert deal["org_id"] == harbor
    assert [p["role"] for p in deal["parties"]] == ["client"]
    opened = next(
        e
        for e in api.get(f"/v1/deals/{deal['id']}/activity", as_user=ADMIN).json["items"]
        if e["type"] == "deal.created"
    )
    assert opened["actor"]["user_id"] == f"client:{client['id']}"


def test_a_client_with_webhooks_manage_runs_its_orgs_webhooks_and_no_other_scope_does(seeded, api):
    hooks = _token(api, _create(api, ["webhooks:manage"], name="Zap sync"))
    reader = _token(api, _create(api, ["deals:read"], name="Reader"))
    body = {"url": "https://crm.example.com/hooks/threshold", "event_types": ["deal.stage_changed"]}
    refused = api.post("/v1/admin/webhooks", body, token=reader)
    assert refused.status == 403 and refused.error_code == "insufficient_scope"
    assert len(api.get("/v1/admin/webhooks", as_user=ADMIN).json["items"]) == 1  # the demo's endpoint only
    created = api.post("/v1/admin/webhooks", body, token=hooks)
    assert created.status == 201 and created.json["secret"].startswith("whsec_")
    listed = api.get("/v1/admin/webhooks", token=hooks)
    assert created.json["id"] in {w["id"] for w in listed.json["items"]}
    assert api.get("/v1/admin/webhooks", token=reader).error_code == "insufficient_scope"


def test_a_client_keeps_accounts_in_step_within_its_scopes(seeded, api):
    reader = _token(api, _create(api, ["deals:read"], name="Reader"))
    writer = _token(api, _create(api, ["deals:write"], name="Writer"))
    body = {"kind": "household", "name": "The Okafor household"}
    refused = api.post("/v1/accounts", body, token=reader)
    assert refused.status == 403 and refused.error_code == "insufficient_scope"
    created = api.post("/v1/accounts", body, token=writer)
    assert created.status == 201, created.json
    listed = api.get("/v1/accounts?q=the%20okafor", token=reader)
    assert [a["id"] for a in listed.json["items"]] == [created.json["id"]]
    merge = api.post("/v1/admin/account-merges", {}, token=writer)
    assert merge.status == 403 and merge.error_code == "not_for_api_clients"


def test_a_crm_client_reads_the_lead_queue_and_keeps_contacts_in_step(seeded, api):
    reader = _token(api, _create(api, ["deals:read"], name="Reader"))
    writer = _token(api, _create(api, ["deals:write"], name="Writer"))
    assert api.get("/v1/admin/leads", token=reader).status == 200
    contact = {"name": "Wes Ward", "email": "wes@wardroofing.example"}
    refused = api.post("/v1/contacts", contact, token=reader)
    assert refused.status == 403 and refused.error_code == "insufficient_scope"
    created = api.post("/v1/contacts", contact, token=writer)
    assert created.status == 201, created.json
    assert api.get(f"/v1/contacts/{created.json['id']}", token=reader).json["email"] == contact["email"]
