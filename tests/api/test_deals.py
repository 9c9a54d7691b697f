"""Opening, reading, listing and editing deals, as a frontend developer would use them."""

from __future__ import annotations

from tests.support.demo import ADMIN

AGENT = "alex.agent@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
ORIGIN = "http://localhost:3000"


def new_deal(title="Kim purchase — 5 Oak Ave", **overrides):
    body = {
        "workflow": "purchase",
        "title": title,
        "property": {
            "address": {"line1": "5 Oak Ave", "city": "Boston", "state": "MA", "postal_code": "02115"}
        },
        "key_dates": {"offer_accepted": "2026-12-01", "closing": "2026-12-31"},
        "parties": [
            {"email": "kim.buyer@example.com", "role": "client", "name": "Kim Lee", "phone": "+16175550199"}
        ],
        "price": 540000,
        "commission_rate": 2.5,
    }
    body.update(overrides)
    return body


def test_an_agent_opens_a_deal_and_its_client_is_invited(seeded, api):
    reply = api.post("/v1/deals", new_deal(), as_user=AGENT)
    assert reply.status == 201
    deal = reply.json
    assert reply.headers["Location"] == f"/v1/deals/{deal['id']}"
    assert reply.headers["ETag"].startswith('"1.')  # the deal's version, then a digest of the workspace
    assert (deal["workflow"], deal["stage"], deal["stage_label"]) == ("purchase", "intake", "Getting started")
    assert deal["template_version"] == 1 and deal["version"] == 1
    roles = {p["role"]: p["status"] for p in deal["parties"]}
    assert roles == {"agent": "active", "client": "invited"}
    assert deal["stage_history"][0]["to"] == "intake"
    assert deal["commission_rate"] == 2.5  # the agent is staff: internal fields are theirs to see

    # the invited client does not reach the deal until they accept the invitation
    assert api.get(f"/v1/deals/{deal['id']}", as_user="kim.buyer@example.com").status == 404
    # the opening is the first entry of the activity log
    log = api.get(f"/v1/deals/{deal['id']}/activity", as_user=AGENT).json["items"]
    assert [e["type"] for e in log] == ["deal.created"]


def test_staff_of_the_org_join_a_deal_at_once(seeded, api):
    reply = api.post(
        "/v1/deals",
        new_deal(parties=[{"email": "avery.agent@harbormain.example", "role": "agent"}]),
        as_user=COORDINATOR,
    )
    assert reply.status == 201
    statuses = {p["email"]: p["status"] for p in reply.json["parties"]}
    assert statuses == {"cora.coord@harbormain.example": "active", "avery.agent@harbormain.example": "active"}
    assert api.get(f"/v1/deals/{reply.json['id']}", as_user="avery.agent@harbormain.example").status == 200


def test_a_client_cannot_open_a_purchase(seeded, api):
    reply = api.post("/v1/deals", new_deal(), as_user="bianca.buyer@mail.example")
    assert reply.status == 403 and reply.error_code == "staff_only"


def test_staff_cannot_open_a_deal_in_another_org(seeded, api):
    rival_org = seeded.orgs["Rival Realty Group"]
    reply = api.post("/v1/deals", new_deal(org_id=rival_org), as_user=AGENT)
    assert reply.status == 404


def test_a_person_listed_twice_is_refused(seeded, api):
    twice = [
        {"email": "kim.buyer@example.com", "role": "client"},
        {"email": "KIM.buyer@example.com", "role": "co_client"},
    ]
    reply = api.post("/v1/deals", new_deal(parties=twice), as_user=AGENT)
    assert reply.status == 422 and reply.error_code == "duplicate_party"


def test_idempotency_key_replays_the_first_answer(seeded, api):
    headers = {"Idempotency-Key": "create-kim-purchase-1"}
    first = api.post("/v1/deals", new_deal(), as_user=AGENT, headers=headers)
    again = api.post("/v1/deals", new_deal(), as_user=AGENT, headers=headers)
    assert first.status == again.status == 201
    assert again.json == first.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    titles = [d["title"] for d in api.get("/v1/deals?limit=100", as_user=AGENT).json["items"]]
    assert titles.count("Kim purchase — 5 Oak Ave") == 1


def test_idempotency_key_reused_for_another_request_is_refused(seeded, api):
    headers = {"Idempotency-Key": "create-kim-purchase-2"}
    assert api.post("/v1/deals", new_deal(), as_user=AGENT, headers=headers).status == 201
    other = api.post("/v1/deals", new_deal(title="Something else"), as_user=AGENT, headers=headers)
    assert other.status == 422 and other.error_code == "idempotency_key_reused"


def test_idempotency_keys_belong_to_one_caller(seeded, api):
    headers = {"Idempotency-Key": "shared-key"}
    mine = api.post("/v1/deals", new_deal(), as_user=AGENT, headers=headers)
    theirs = api.post("/v1/deals", new_deal(), as_user=COORDINATOR, headers=headers)
    assert mine.status == theirs.status == 201 and mine.json["id"] != theirs.json["id"]


def test_a_failed_request_does_not_burn_its_idempotency_key(seeded, api):
    headers = {"Idempotency-Key": "retry-after-fixing"}
    assert api.post("/v1/deals", new_deal(workflow="timeshare"), as_user=AGENT, headers=headers).status == 422
    assert api.post("/v1/deals", new_deal(workflow="timeshare"), as_user=AGENT, headers=headers).status == 422
    assert api.post("/v1/deals", new_deal(), as_user=AGENT, headers=headers).status == 201


def test_patch_with_if_match_moves_the_version_and_logs_what_changed(seeded, api):
    deal = api.post("/v1/deals", new_deal(), as_user=AGENT).json
    reply = api.patch(
        f"/v1/deals/{deal['id']}",
        {"key_dates": {"closing": "2027-01-08", "offer_accepted": None}, "commission_rate": 3.0},
        as_user=AGENT,
        headers={"If-Match": reply_etag(deal)},
    )
    assert reply.status == 200
    assert reply.json["version"] == 2 and reply.headers["ETag"].startswith('"2.')
    dates = reply.json["key_dates"]
    assert dates["closing"] == "2027-01-08" and "offer_accepted" not in dates
    assert dates["inspection_deadline"] == "2026-12-11"  # derived at opening (offer accepted + 10 days)
    events = {e["type"]: e for e in api.get(f"/v1/deals/{deal['id']}/activity", as_user=AGENT).json["items"]}
    moved = events["deal.key_date_changed"]["data"]
    assert {"key_date": "closing", "from": "2026-12-31", "to": "2027-01-08"} in moved["key_dates"]
    assert events["deal.updated"]["data"]["internal"]["changes"] == [
        {"field": "commission_rate", "from": 2.5, "to": 3.0}
    ]
    # a second writer holding the old version is told the deal moved on, and changes nothing
    stale = api.patch(
        f"/v1/deals/{deal['id']}", {"title": "Mine"}, as_user=COORDINATOR, headers={"If-Match": '"1"'}
    )
    assert stale.status == 412
    assert api.get(f"/v1/deals/{deal['id']}", as_user=AGENT).json["title"] == deal["title"]


def test_clients_see_public_changes_but_not_internal_ones(seeded, api):
    deal_key = seeded.deals["park_purchase"].deal_id
    version = api.get(f"/v1/deals/{deal_key}", as_user=AGENT).json["version"]
    reply = api.patch(
        f"/v1/deals/{deal_key}",
        {"risk_flags": ["appraisal_gap"]},
        as_user=AGENT,
        headers={"If-Match": str(version)},
    )
    assert reply.status == 200
    staff_log = api.get(f"/v1/deals/{deal_key}/activity", as_user=AGENT).json["items"]
    client_log = api.get(f"/v1/deals/{deal_key}/activity", as_user="bianca.buyer@mail.example").json["items"]
    assert staff_log[0]["type"] == "deal.updated" and staff_log[0]["visibility"] == "internal"
    assert all(e["id"] != staff_log[0]["id"] for e in client_log)


def test_a_no_op_patch_writes_nothing(seeded, api, ddb_calls):
    deal = api.post("/v1/deals", new_deal(), as_user=AGENT).json
    ddb_calls.reset()
    reply = api.patch(
        f"/v1/deals/{deal['id']}", {"title": deal["title"]}, as_user=AGENT, headers={"If-Match": "1"}
    )
    assert reply.status == 200 and reply.json["version"] == 1
    assert "TransactWriteItems" not in ddb_calls.operations


def test_paging_through_an_orgs_deals_visits_each_once(seeded, api):
    for n in range(12):
        assert api.post("/v1/deals", new_deal(title=f"Paged deal {n}"), as_user=COORDINATOR).status == 201
    seen, cursor, pages = [], None, 0
    while True:
        url = "/v1/deals?limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url, as_user=ADMIN).json
        seen += [d["id"] for d in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert (
        len(seen)
        == len(set(seen))
        == 12 + len([d for d in seeded.deals.values() if d.org == "Harbor & Main Realty"])
    )
    assert pages >= 4
    stamps = [d["last_activity_at"] for d in api.get("/v1/deals?limit=100", as_user=ADMIN).json["items"]]
    assert stamps == sorted(stamps, reverse=True)  # newest activity first


def test_stage_filter_needs_a_workflow_and_staff(seeded, api):
    assert api.get("/v1/deals?stage=intake", as_user=ADMIN).error_code == "workflow_required"
    assert api.get("/v1/deals?workflow=purchase", as_user="bianca.buyer@mail.example").status == 403
    listings = api.get("/v1/deals?workflow=listing", as_user=ADMIN).json["items"]
    assert {d["workflow"] for d in listings} == {"listing"}
    mine = api.get("/v1/deals?workflow=listing", as_user=AGENT).json["items"]
    assert [d["title"] for d in mine] == ["Ortiz listing — 22 Harbor View"]


def test_cors_answers_the_portal_origin_only(seeded, api):
    allowed = api.get("/v1/health", headers={"Origin": ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    stranger = api.get("/v1/health", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers
    preflight = api.request("OPTIONS", "/v1/deals/dl_aaaaaaaaaaaaaaaaaaaaaaaaaa", headers={"Origin": ORIGIN})
    assert preflight.status == 204
    assert "PATCH" in preflight.headers["Access-Control-Allow-Methods"]
    assert "If-Match" in preflight.headers["Access-Control-Allow-Headers"]
    refused = api.request("OPTIONS", "/v1/deals", headers={"Origin": "https://evil.example"})
    assert refused.status == 403 and "Access-Control-Allow-Origin" not in refused.headers


def test_openapi_document_lists_the_routes(seeded, api):
    doc = api.get("/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert {"get", "patch"} <= set(doc["paths"]["/v1/deals/{deal_id}"])
    assert doc["paths"]["/v1/health"]["get"]["security"] == []
    assert "NewDeal" in doc["components"]["schemas"]


def reply_etag(deal: dict) -> str:
    return f'"{deal["version"]}"'
