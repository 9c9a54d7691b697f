"""The webhook rules, without the emulator: schedule, ids, payload filtering, signatures, rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standardwebhooks.webhooks import Webhook as Verifier

from chalicelib.domain import webhooks as rules
from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility

AT = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


def _hook(**extra) -> rules.Webhook:
    return rules.Webhook(
        "wh_1", "o_1", "https://x.example/h", ["deal.created"], True, rules.new_secret(), AT, "u_1", **extra
    )


def _delivery(**extra) -> rules.WebhookDelivery:
    return rules.WebhookDelivery(
        "wh_1", "msg_1", "o_1", "ev_1", "deal.created", '{"a":1}', "pending", AT, **extra
    )


def test_the_schedule_spans_about_a_day_in_eight_attempts():
    offsets = rules.schedule_offsets()
    assert len(offsets) == rules.MAX_ATTEMPTS == 8
    assert offsets[1] == timedelta(seconds=5) and offsets[2] == offsets[1] + timedelta(minutes=5)
    assert timedelta(hours=24) < offsets[-1] < timedelta(hours=30)
    assert rules.after_failure(_delivery(round_attempts=1), AT) == AT + timedelta(seconds=5)
    assert rules.after_failure(_delivery(round_attempts=7), AT) == AT + timedelta(hours=10)
    assert rules.after_failure(_delivery(round_attempts=8), AT) is None  # dead-lettered


def test_a_delivery_id_is_stable_per_event_and_endpoint_and_sorts_by_time():
    first = rules.delivery_id("ev_1", "wh_1", AT)
    assert first == rules.delivery_id("ev_1", "wh_1", AT)
    assert first != rules.delivery_id("ev_1", "wh_2", AT) != rules.delivery_id("ev_2", "wh_1", AT)
    assert rules.delivery_id("ev_0", "wh_1", AT + timedelta(milliseconds=1)) > first


def test_a_payload_names_the_event_and_ids_and_carries_no_contact_details():
    event = ActivityEvent(
        event_id="ev_1",
        type=EventType.PARTY_INVITED,
        at=AT,
        actor_user_id="u_1",
        actor_label="Cora",
        visibility=Visibility.PARTIES,
        summary="Cora invited someone",
        org_id="o_1",
        deal_id="d_1",
        data={"user_id": "u_2", "role": "client", "email": "b@mail.example", "nested": [{"phone": "+1617"}]},
    )
    body = rules.payload(event, "2026-12-07T14:00:00.000Z")
    assert body["type"] == "party.invited" and body["data"]["deal_id"] == "d_1"
    assert body["data"]["changes"] == {"user_id": "u_2", "role": "client", "nested": [{}]}


def test_people_and_housekeeping_events_are_not_offered():
    assert "deal.stage_changed" in rules.SUBSCRIBABLE and "change_request.applied" in rules.SUBSCRIBABLE
    for kind in (
        "user.registered",
        "notification.address_suppressed",
        "document.downloaded",
        "webhook.disabled",
    ):
        assert kind not in rules.SUBSCRIBABLE


def test_signatures_verify_with_the_reference_library_and_both_secrets_sign_during_an_overlap():
    old = rules.new_secret()
    hook = _hook(previous_secret=old, previous_secret_until=AT + timedelta(hours=1))
    assert hook.signing_secrets(AT) == [hook.secret, old]
    assert hook.signing_secrets(AT + timedelta(hours=1)) == [hook.secret]
    now = datetime.now(UTC)
    headers = rules.signature_headers(_delivery(), hook.signing_secrets(AT), now)
    assert headers["webhook-signature"].count("v1,") == 2
    for secret in (hook.secret, old):
        assert Verifier(secret).verify(b'{"a":1}', headers) == {"a": 1}


def test_the_audit_log_keeps_no_path():
    assert rules.url_for_log("https://hooks.zapier.com/hooks/catch/1/secret/") == "https://hooks.zapier.com/…"
