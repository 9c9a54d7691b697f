"""An org's inbound-lead secret (docs/CRM_IN.md): admins create, rotate and disable it; coordinators see
whether it is on, never the secret; agents are refused; anyone else finds nothing. Every change is audited
without the secret. Request budgets of each route."""

from __future__ import annotations

import json

from chalicelib.store.models import ActivityItem
from tests.crm_in.conftest import (
    ADMIN,
    ALEX,
    CLIENT,
    COORD,
    HARBOR,
    RIVAL_ADMIN,
    SETTINGS,
    deliver,
    lead_body,
    new_secret,
    written,
)


def test_off_until_an_admin_creates_the_secret_which_is_shown_once(api, seeded):
    before = api.get(SETTINGS, as_user=ADMIN)
    assert before.status == 200 and before.json["enabled"] is False
    assert before.json["path"] == f"/v1/orgs/{HARBOR}/leads/inbound"

    created = api.post(SETTINGS + "/secret", as_user=ADMIN)

    assert created.status == 201 and created.json["secret"].startswith("whsec_")
    assert created.json["enabled"] is True and created.json["previous_secret_expires_at"] is None
    after = api.get(SETTINGS, as_user=ADMIN)
    assert after.json["enabled"] is True and "secret" not in after.json
    assert created.json["secret"] not in after.raw.decode()
    assert after.json["secret_created_at"] == created.json["secret_created_at"]


def test_rotating_shows_until_when_the_old_secret_verifies(api, seeded):
    new_secret(api)

    rotated = api.post(SETTINGS + "/secret", {"overlap_hours": 6}, as_user=ADMIN)

    assert rotated.status == 201
    assert rotated.json["previous_secret_expires_at"] > rotated.json["secret_created_at"]
    assert (
        api.post(SETTINGS + "/secret", {"overlap_hours": 999}, as_user=ADMIN).error_code == "invalid_fields"
    )


def test_coordinators_read_agents_are_refused_others_find_nothing(api, seeded):
    new_secret(api)
    before = written()

    coordinator = api.get(SETTINGS, as_user=COORD)
    assert (
        coordinator.status == 200 and coordinator.json["enabled"] is True and "secret" not in coordinator.json
    )
    assert api.post(SETTINGS + "/secret", as_user=COORD).status == 403
    assert api.delete(SETTINGS, as_user=COORD).status == 403
    assert api.get(SETTINGS, as_user=ALEX).status == 403
    assert api.post(SETTINGS + "/secret", as_user=ALEX).status == 403
    assert api.get(SETTINGS, as_user=CLIENT).status == 404
    assert api.post(SETTINGS + "/secret", as_user=CLIENT).status == 404
    harbor = coordinator.json["org_id"]
    assert api.get(f"{SETTINGS}?org_id={harbor}", as_user=RIVAL_ADMIN).status == 404
    assert api.delete(f"{SETTINGS}?org_id={harbor}", as_user=RIVAL_ADMIN).status == 404
    assert written() == before  # no refusal changed anything


def test_every_change_is_audited_without_the_secret(api, seeded):
    first = new_secret(api)
    second = new_secret(api)
    assert api.delete(SETTINGS, as_user=ADMIN).status == 200

    events = [i for i in ActivityItem.scan() if str(i.type).startswith("inbound_leads.")]
    assert sorted(str(e.type) for e in events) == [
        "inbound_leads.disabled",
        "inbound_leads.secret_rotated",
        "inbound_leads.secret_rotated",
    ]
    text = json.dumps([e.attribute_values for e in events], default=str)
    assert first not in text and second not in text
    assert all(e.actor_label for e in events)


def test_disabling_what_is_off_changes_nothing(api, seeded):
    before = written()

    reply = api.delete(SETTINGS, as_user=ADMIN)

    assert reply.status == 200 and reply.json["enabled"] is False
    assert written() == before


def test_budgets_of_the_admin_routes(api, seeded, ddb_calls):
    ddb_calls.reset()
    assert api.get(SETTINGS, as_user=COORD).status == 200
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 2}  # the caller; the org and its settings

    ddb_calls.reset()
    assert api.post(SETTINGS + "/secret", as_user=ADMIN).status == 201
    # the caller, the org, the settings (read consistently), one transaction: the settings and the event
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 2, "TransactWriteItems": 1}


def test_budgets_of_the_receiver(api, seeded, ddb_calls):
    secret = new_secret(api)
    body = lead_body("budget.crm@mail.example", name="Bea Budget")

    ddb_calls.reset()
    assert deliver(api, secret, body, msg_id="msg_budget").status == 202
    # the address's and the org's counters; the slug, the settings and the webhook-id's claim; the intake's
    # keyed reads and nearby-email Query; one transaction carrying the lead, its event and the claim
    assert ddb_calls.by_operation() == {
        "UpdateItem": 2,
        "GetItem": 3,
        "BatchGetItem": 2,
        "Query": 1,
        "TransactWriteItems": 1,
    }

    ddb_calls.reset()
    assert deliver(api, secret, body, msg_id="msg_budget").status == 202
    assert ddb_calls.by_operation() == {"UpdateItem": 2, "GetItem": 3}  # a repeat does nothing more

    ddb_calls.reset()
    assert deliver(api, "whsec_" + "A" * 44, body).status == 401
    assert ddb_calls.by_operation() == {"UpdateItem": 1, "GetItem": 2}  # the address's counter only


def test_a_retried_rotation_with_its_idempotency_key_rotates_once(api, seeded):
    headers = {"Idempotency-Key": "rotate-1"}

    first = api.request("POST", SETTINGS + "/secret", as_user=ADMIN, headers=headers)
    again = api.request("POST", SETTINGS + "/secret", as_user=ADMIN, headers=headers)

    assert first.status == again.status == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json["secret"] == first.json["secret"] and again.json["version"] == 1
    rotations = [i for i in ActivityItem.scan() if str(i.type) == "inbound_leads.secret_rotated"]
    assert len(rotations) == 1
    assert deliver(api, first.json["secret"], lead_body("idem@mail.example")).status == 202


def test_the_outbox_passes_the_audit_events_on_and_tells_nobody(api, outbox, sent):
    new_secret(api)
    new_secret(api)
    assert api.delete(SETTINGS, as_user=ADMIN).status == 200

    outbox.run()

    assert sent.emails_to(ADMIN) == [] and sent.emails_to(COORD) == []
