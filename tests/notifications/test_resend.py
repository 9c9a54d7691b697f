"""Ops resends a notification: the recipient gets it again, once, as a new notification linked to the
original; the original is unchanged; opt-outs, the SMS hours and the daily cap apply as to any other."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib import clock
from chalicelib.store.models import ActivityItem
from chalicelib.store.table import TableItem
from tests.support.demo import deal_id
from tests.support.notify import notifications_of, stage_changed

ADMIN = "ada.admin@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
RIVAL_ADMIN = "rhea.admin@rivalrealty.example"
CLIENT = "bianca.buyer@mail.example"
TENANT = "tara.tenant@mail.example"
TENANT_PHONE = "+16175550104"
LATE_EVENING = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)  # 22:30 in Boston


def _emailed(seeded, outbox, sent, email: str = CLIENT):
    """Given the client was emailed about a stage change: their email notification."""
    stage_changed(deal_id(seeded, "park_purchase"), AGENT)
    outbox.run()
    assert len(sent.emails_to(email)) == 1
    [note] = [n for n in notifications_of(email) if n.channel == "email"]
    return note


def _resent_events() -> list[ActivityItem]:
    return [i for i in TableItem.scan() if isinstance(i, ActivityItem) and i.type == "notification.resent"]


def test_a_coordinator_resends_an_email_the_client_gets_it_once_more(seeded, api, outbox, sent):
    original = _emailed(seeded, outbox, sent)
    before = original.serialize()

    # When the coordinator resends it, with a reason
    reply = api.post(
        f"/v1/admin/notifications/{original.notification_id}/resend",
        {"reason": "Client says it never arrived"},
        as_user=COORDINATOR,
    )
    outbox.run()

    # Then a new notification answers, sent, linked to the original; the client got the email again, once
    assert reply.status == 201, reply.json
    fresh = reply.json
    assert fresh["id"] != original.notification_id and fresh["resent_from"] == original.notification_id
    assert fresh["channel"] == "email" and fresh["state"] == "sent" and fresh["user_id"] == original.user_id
    mails = sent.emails_to(CLIENT)
    assert len(mails) == 2
    assert mails[0]["Content"]["Simple"]["Subject"] == mails[1]["Content"]["Simple"]["Subject"]

    # and the original's history is unchanged (only its resend counter moved)
    [after] = [n for n in notifications_of(CLIENT) if n.notification_id == original.notification_id]
    stored = after.serialize()
    changed = {k for k in set(before) | set(stored) if before.get(k) != stored.get(k)}
    assert changed == {"resend_count"}

    # and the log says who resent what, and why
    [event] = _resent_events()
    assert event.actor_user_id == api.get("/v1/me", as_user=COORDINATOR).json["id"]
    assert event.data["notification_id"] == original.notification_id
    assert event.data["new_notification_id"] == fresh["id"]
    assert event.data["reason"] == "Client says it never arrived"


def test_the_body_is_optional(seeded, api, outbox, sent):
    original = _emailed(seeded, outbox, sent)
    reply = api.post(f"/v1/admin/notifications/{original.notification_id}/resend", None, as_user=ADMIN)
    assert reply.status == 201, reply.json
    assert len(sent.emails_to(CLIENT)) == 2
    [event] = _resent_events()
    assert "reason" not in event.data


@pytest.mark.parametrize(
    ("who", "status"),
    [(AGENT, 403), (RIVAL_ADMIN, 404), (CLIENT, 404)],
)
def test_agents_are_refused_and_everyone_else_outside_is_told_it_does_not_exist(
    seeded, api, outbox, sent, who, status
):
    original = _emailed(seeded, outbox, sent)
    reply = api.post(f"/v1/admin/notifications/{original.notification_id}/resend", {}, as_user=who)
    assert reply.status == status, reply.json
    assert len(sent.emails_to(CLIENT)) == 1
    assert _resent_events() == []
    assert [n.notification_id for n in notifications_of(CLIENT) if n.channel == "email"] == [
        original.notification_id
    ]


def test_an_unknown_notification_is_not_found(seeded, api):
    assert (
        api.post("/v1/admin/notifications/nt_0000000000000000000000000z/resend", {}, as_user=ADMIN).status
        == 404
    )
    assert api.post("/v1/admin/notifications/not-an-id/resend", {}, as_user=ADMIN).status == 404


def test_a_recipient_who_opted_out_since_is_not_emailed_by_a_resend(seeded, api, outbox, sent):
    original = _emailed(seeded, outbox, sent)
    body = {"channels": {"email": False}}
    assert api.request("PUT", "/v1/me/preferences", as_user=CLIENT, json_body=body).status == 200

    reply = api.post(f"/v1/admin/notifications/{original.notification_id}/resend", {}, as_user=ADMIN)

    assert reply.status == 201, reply.json
    assert reply.json["state"] == "suppressed" and reply.json["reason"] == "opted_out"
    assert len(sent.emails_to(CLIENT)) == 1


def test_a_resent_sms_at_night_waits_for_8am(seeded, api, outbox, sent):
    clock.freeze(LATE_EVENING)
    stage_changed(deal_id(seeded, "sink_repair"), COORDINATOR, to="scheduled", to_label="Scheduled")
    outbox.run()
    [sms] = [n for n in notifications_of(TENANT) if n.channel == "sms"]

    reply = api.post(f"/v1/admin/notifications/{sms.notification_id}/resend", {}, as_user=COORDINATOR)

    assert reply.status == 201, reply.json
    assert reply.json["state"] == "queued"
    assert sent.sms_to(TENANT_PHONE) == []


def test_a_resend_costs_a_handful_of_calls(seeded, api, outbox, sent, ddb_calls):
    original = _emailed(seeded, outbox, sent)
    ddb_calls.reset()
    reply = api.post(f"/v1/admin/notifications/{original.notification_id}/resend", {}, as_user=ADMIN)
    assert reply.status == 201, reply.json
    # Then: the caller and the notification by its id (2 Queries); the new notification, the original's
    # counter and the event (1 transaction); delivery: the recipient's preferences and suppressions
    # (1 BatchGetItem), the claim, the daily cap, the provider id (3 UpdateItems); the answer (1 GetItem)
    assert ddb_calls.by_operation() == {
        "Query": 2,
        "TransactWriteItems": 1,
        "BatchGetItem": 1,
        "UpdateItem": 3,
        "GetItem": 1,
    }
