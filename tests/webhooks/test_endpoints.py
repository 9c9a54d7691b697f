"""Managing an org's webhook endpoints: who may, what is shown (the secret once), what is refused."""

from __future__ import annotations

from chalicelib.store.webhook_models import WebhookItem
from tests.webhooks.support import ADMIN, AGENT, ALL, CLIENT, COORDINATOR, RIVAL_ADMIN, create

DEMO_CRM = (
    "https://crm.harbormain.example/hooks/threshold"  # the demo data's endpoint (devstack/demo_webhooks.py)
)


def _webhooks_in_table() -> int:
    from chalicelib.store.table import TableItem

    return sum(1 for i in TableItem.scan() if isinstance(i, WebhookItem))


def _listed(api, as_user: str = ADMIN) -> list[str]:
    return [h["url"] for h in api.get(ALL, as_user=as_user).json["items"]]


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(seeded, api, dns, ddb_calls):
    dns["crm.brokerage.example"] = ["93.184.216.34"]
    ddb_calls.reset()
    reply = create(api, "https://crm.brokerage.example/hooks", description="Our CRM")
    assert reply.status == 201, reply.json
    assert ddb_calls.by_operation() == {"Query": 2, "TransactWriteItems": 1}  # caller, org's endpoints
    hook = reply.json
    assert hook["secret"].startswith("whsec_")
    assert hook["url"] == "https://crm.brokerage.example/hooks"
    assert hook["enabled"] is True and hook["event_types"] == ["deal.stage_changed", "message.posted"]
    assert reply.headers["Location"] == f"{ALL}/{hook['id']}"

    ddb_calls.reset()
    again = api.get(f"{ALL}/{hook['id']}", as_user=ADMIN)
    assert again.status == 200
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1}
    assert "secret" not in again.json
    assert again.headers["ETag"] == '"1"'

    ddb_calls.reset()
    listed = api.get(ALL, as_user=COORDINATOR)  # coordinators may read, never see a secret
    assert ddb_calls.by_operation() == {"Query": 2}
    assert [h["url"] for h in listed.json["items"]] == [DEMO_CRM, hook["url"]]  # oldest first
    assert not any("secret" in h for h in listed.json["items"])


def test_only_admins_manage_and_other_orgs_do_not_see_it(seeded, api, dns):
    before = _webhooks_in_table()
    hook = create(api, "https://93.184.216.34/hooks").json
    one = f"{ALL}/{hook['id']}"
    assert create(api, "https://93.184.216.34/x", as_user=COORDINATOR).status == 403
    assert create(api, "https://93.184.216.34/x", as_user=AGENT).status == 403
    assert create(api, "https://93.184.216.34/x", as_user=CLIENT).status == 404
    assert api.patch(one, {"enabled": False}, as_user=COORDINATOR, headers={"If-Match": '"1"'}).status == 403
    assert api.delete(one, as_user=COORDINATOR).status == 403
    assert api.post(f"{one}/test", as_user=COORDINATOR).status == 403
    assert api.post(f"{one}/rotate-secret", {}, as_user=COORDINATOR).status == 403
    assert api.get(one, as_user=AGENT).status == 403
    assert api.get(one, as_user=RIVAL_ADMIN).status == 404
    assert api.get(f"{one}/deliveries", as_user=RIVAL_ADMIN).status == 404
    assert api.delete(one, as_user=RIVAL_ADMIN).status == 404
    assert api.get(ALL, as_user=RIVAL_ADMIN).json["items"] == []
    # nothing changed by any refusal
    assert api.get(one, as_user=ADMIN).json == {**{k: v for k, v in hook.items() if k != "secret"}}
    assert _webhooks_in_table() == before + 1


def test_bad_input_is_refused_whole_and_nothing_is_written(seeded, api, dns):
    before = _webhooks_in_table()
    reply = api.post(
        ALL,
        {"url": "ftp://example.com/x", "event_types": ["user.registered", "nope"], "extra": 1},
        as_user=ADMIN,
    )
    assert reply.status == 422 and reply.error_code == "invalid_fields"
    fields = {d["field"] for d in reply.json["error"]["details"]}
    assert fields >= {"url", "event_types.0", "event_types.1", "extra"}
    assert _webhooks_in_table() == before


def test_patch_needs_if_match_and_a_stale_one_is_refused(seeded, api, dns, ddb_calls):
    hook = create(api, "https://93.184.216.34/hooks").json
    one = f"{ALL}/{hook['id']}"
    assert api.patch(one, {"enabled": False}, as_user=ADMIN).status == 428
    ddb_calls.reset()
    changed = api.patch(
        one,
        {"enabled": False, "description": "paused", "event_types": ["task.completed"]},
        as_user=ADMIN,
        headers={"If-Match": '"1"'},
    )
    assert changed.status == 200, changed.json
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}
    assert changed.json["enabled"] is False and changed.json["version"] == 2
    assert changed.json["event_types"] == ["task.completed"]
    stale = api.patch(one, {"enabled": True}, as_user=ADMIN, headers={"If-Match": '"1"'})
    assert stale.status == 412 and stale.error_code == "stale_version"
    assert api.get(one, as_user=ADMIN).json["enabled"] is False


def test_delete_stops_everything_and_hides_the_endpoint(seeded, api, dns, ddb_calls):
    hook = create(api, "https://93.184.216.34/hooks").json
    one = f"{ALL}/{hook['id']}"
    ddb_calls.reset()
    assert api.delete(one, as_user=ADMIN).status == 200
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}
    assert api.get(one, as_user=ADMIN).status == 404
    assert _listed(api) == [DEMO_CRM]


def test_the_audit_log_records_each_change_without_the_secret_or_the_path(seeded, api, dns):
    hook = create(api, "https://93.184.216.34/hooks/catch/123/s3cr3tpath").json
    api.post(f"{ALL}/{hook['id']}/rotate-secret", {"overlap_hours": 2}, as_user=ADMIN)
    log = api.get("/v1/admin/activity", as_user=ADMIN).json["items"]
    types = [e["type"] for e in log]
    assert "webhook.created" in types and "webhook.secret_rotated" in types
    assert hook["secret"] not in str(log)
    assert "s3cr3tpath" not in str(log)  # a path may be a credential (a Zapier catch hook's)


def test_the_demo_shows_a_paused_crm_endpoint_with_its_delivery_log(seeded, api):
    (demo,) = api.get(ALL, as_user=ADMIN).json["items"]
    assert demo["url"] == DEMO_CRM and demo["enabled"] is False
    log = api.get(f"{ALL}/{demo['id']}/deliveries", as_user=COORDINATOR).json["items"]
    assert [d["status"] for d in log] == ["failed", "succeeded", "succeeded"]  # newest first
    assert log[0]["last_error"] == "http_503" and log[0]["attempts"] == 8
