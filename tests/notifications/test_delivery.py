"""Delivery: SMS hours, quiet hours, digests, critical messages, the daily cap, SES feedback."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.events import feedback as feedback_handler
from chalicelib.services import reminders
from tests.support.demo import deal_id
from tests.support.notify import notifications_of, stage_changed

COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
TENANT = "tara.tenant@mail.example"
TENANT_PHONE = "+16175550104"
CLIENT = "bianca.buyer@mail.example"

# Boston is UTC-5 in December: 03:30Z is 22:30 the evening before, 13:00Z is 08:00
LATE_EVENING = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)
EIGHT_AM = datetime(2026, 12, 2, 13, 0, tzinfo=UTC)


def at(moment: datetime) -> None:
    clock.freeze(moment)


def set_preferences(api, email: str, **body) -> None:
    assert api.request("PUT", "/v1/me/preferences", as_user=email, json_body=body).status == 200


def states(email: str, channel: str) -> list[str]:
    return [n.state for n in notifications_of(email) if n.channel == channel]


def test_an_sms_at_night_waits_for_8am_local_time_and_is_not_dropped(seeded, outbox, sent):
    # Given the coordinator moves the sink repair along at 22:30 in Boston
    at(LATE_EVENING)
    stage_changed(deal_id(seeded, "sink_repair"), COORDINATOR, to="scheduled", to_label="Scheduled")
    outbox.run()

    # Then the tenant's email goes at once, the SMS is queued for 08:00 local
    assert len(sent.emails_to(TENANT)) == 1
    assert sent.sms_to(TENANT_PHONE) == []
    [sms] = [n for n in notifications_of(TENANT) if n.channel == "sms"]
    assert sms.state == "queued" and sms.send_after == "2026-12-02T13:00:00.000Z"

    # When the sweep runs at 07:59 nothing is texted; at 08:00 the SMS goes, once
    reminders.sweep(EIGHT_AM - timedelta(minutes=1))
    assert sent.sms_to(TENANT_PHONE) == []
    reminders.sweep(EIGHT_AM)
    reminders.sweep(EIGHT_AM + timedelta(minutes=15))
    assert len(sent.sms_to(TENANT_PHONE)) == 1
    assert "Reply STOP" in sent.sms_to(TENANT_PHONE)[0]["Message"]
    assert states(TENANT, "sms") == ["sent"]


def test_a_coordinator_may_force_a_critical_message_through_quiet_hours_but_not_the_sms_hours(
    seeded, api, outbox, sent
):
    # Given a tenant with quiet hours 20:00–09:00 and an hourly digest
    set_preferences(api, TENANT, quiet_hours={"start": "20:00", "end": "09:00"}, digest="hourly")
    at(LATE_EVENING)

    # When the coordinator sends a critical update at 22:30
    stage_changed(
        deal_id(seeded, "sink_repair"), COORDINATOR, to="scheduled", to_label="Scheduled", critical=True
    )
    outbox.run()

    # Then the email goes now (through digest and quiet hours), the SMS waits for 08:00 (not 09:00)
    assert len(sent.emails_to(TENANT)) == 1
    [sms] = [n for n in notifications_of(TENANT) if n.channel == "sms"]
    assert sms.critical and sms.send_after == "2026-12-02T13:00:00.000Z"


def test_a_critical_flag_from_someone_who_is_not_a_coordinator_is_ignored(seeded, api, outbox, sent):
    set_preferences(api, CLIENT, quiet_hours={"start": "20:00", "end": "09:00"})
    at(LATE_EVENING)

    # When the agent marks a stage change critical at 22:30
    stage_changed(deal_id(seeded, "park_purchase"), AGENT, critical=True)
    outbox.run()

    # Then the client's email still waits for the end of their quiet hours (09:00 = 14:00Z)
    assert sent.emails_to(CLIENT) == []
    [mail] = [n for n in notifications_of(CLIENT) if n.channel == "email"]
    assert not mail.critical and mail.send_after == "2026-12-02T14:00:00.000Z"


def test_an_hourly_digest_sends_one_email_for_the_hour(seeded, api, outbox, sent):
    # Given a client on an hourly digest
    set_preferences(api, CLIENT, digest="hourly")
    deal = deal_id(seeded, "park_purchase")

    # When three updates happen between 10:05 and 10:50
    for minute, (stage, label) in zip(
        (5, 20, 50),
        [("due_diligence", "Inspections"), ("financing", "Financing"), ("closing", "Closing")],
        strict=True,
    ):
        at(datetime(2026, 12, 2, 15, minute, tzinfo=UTC))
        stage_changed(deal, AGENT, to=stage, to_label=label)
        outbox.run()
    assert sent.emails_to(CLIENT) == []

    # Then the 11:00 sweep sends one email holding all three, and a second sweep sends nothing more
    reminders.sweep(datetime(2026, 12, 2, 16, 0, tzinfo=UTC))
    reminders.sweep(datetime(2026, 12, 2, 16, 15, tzinfo=UTC))
    [mail] = sent.emails_to(CLIENT)
    assert mail["Content"]["Simple"]["Subject"]["Data"] == "3 updates on your deals"
    text = mail["Content"]["Simple"]["Body"]["Text"]["Data"]
    assert "to Inspections" in text and "to Financing" in text and "to Closing" in text
    assert states(CLIENT, "email") == ["sent", "sent", "sent"]


def test_a_bounce_suppresses_the_address_for_every_later_email(seeded, outbox, sent):
    # Given an email to the client went out
    deal = deal_id(seeded, "park_purchase")
    stage_changed(deal, AGENT)
    outbox.run()
    [mail] = sent.emails_to(CLIENT)
    tags = {t["Name"]: [t["Value"]] for t in mail["EmailTags"]}

    # When SES reports a permanent bounce for it (through SNS)
    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": CLIENT.upper()}]},
        "mail": {"messageId": "x", "tags": tags},
    }
    feedback_handler.handle(type("SNSEvent", (), {"message": json.dumps(bounce)})())
    feedback_handler.handle(type("SNSEvent", (), {"message": json.dumps(bounce)})())  # SNS redelivers

    # Then that notification is marked bounced, and the next email is suppressed, never handed to SES
    assert states(CLIENT, "email") == ["bounced"]
    stage_changed(deal, AGENT, to="financing", to_label="Financing")
    outbox.run()
    assert len(sent.emails_to(CLIENT)) == 1
    assert sorted(states(CLIENT, "email")) == ["bounced", "suppressed"]
    assert len([n for n in notifications_of(CLIENT) if n.channel == "in_app"]) == 2


def test_a_delivery_report_marks_the_email_delivered(seeded, outbox, sent):
    stage_changed(deal_id(seeded, "park_purchase"), AGENT)
    outbox.run()
    [mail] = sent.emails_to(CLIENT)
    tags = {t["Name"]: [t["Value"]] for t in mail["EmailTags"]}
    report = {"eventType": "Delivery", "mail": {"tags": tags}}
    feedback_handler.handle(type("SNSEvent", (), {"message": json.dumps(report)})())
    assert states(CLIENT, "email") == ["delivered"]


def test_the_daily_cap_stops_a_flood(seeded, outbox, sent, monkeypatch):
    # Given a daily cap of 3 emails and SMS per person
    capped = dataclasses.replace(settings(), notification_daily_cap=3)
    monkeypatch.setattr("chalicelib.services.delivery.settings", lambda: capped)
    deal = deal_id(seeded, "park_purchase")

    # When five updates happen in one day
    for n in range(5):
        stage_changed(deal, AGENT, to_label=f"Step {n}")
        outbox.run()

    # Then the client got three emails; the rest are recorded as suppressed (and still in the feed)
    assert len(sent.emails_to(CLIENT)) == 3
    assert sorted(states(CLIENT, "email")) == ["sent"] * 3 + ["suppressed"] * 2
    assert len([n for n in notifications_of(CLIENT) if n.channel == "in_app"]) == 5


@pytest.mark.parametrize("number", ["+16175550199"])
def test_an_sms_to_a_number_that_replied_stop_is_never_sent(seeded, outbox, sent, number):
    # Given the tenant's phone replied STOP (moto's SNS treats numbers ending in 99 as opted out)
    from chalicelib.store.models import UserItem

    user = UserItem.get(*UserItem.key_for(email=TENANT))
    user.update(actions=[UserItem.phone.set(number)])
    at(EIGHT_AM + timedelta(hours=2))

    # When an update would text them
    stage_changed(deal_id(seeded, "sink_repair"), COORDINATOR, to="scheduled", to_label="Scheduled")
    outbox.run()

    # Then no SMS is sent, and the notification says why
    assert sent.sms_to(number) == []
    [sms] = [n for n in notifications_of(TENANT) if n.channel == "sms"]
    assert sms.state == "suppressed" and sms.reason == "sms_opted_out"
