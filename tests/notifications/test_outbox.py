"""The outbox: activity events → notifications (the right people, the right channels) and domain events,
exactly once however often the stream delivers a record."""

from __future__ import annotations

import json

from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.store.notification_models import OutboxItem
from tests.support.demo import deal_id
from tests.support.notify import by_channel, notifications_of, record, stage_changed, user_id

AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"
CO_CLIENT = "ben.buyer@mail.example"
LENDER = "lena@firstharborbank.example"
COORDINATOR = "cora.coord@harbormain.example"


def test_a_stage_change_notifies_every_party_but_the_actor(seeded, outbox, sent):
    # Given the agent moves the Reyes purchase to Inspections
    event_id = stage_changed(deal_id(seeded, "park_purchase"), AGENT)

    # When the stream delivers it
    outbox.run()

    # Then the buyers and partners get an email and an in-app notification, the agent (who did it) nothing
    for email in (CLIENT, CO_CLIENT, LENDER):
        assert by_channel(email) == {"email": 1, "in_app": 1}
        assert len(sent.emails_to(email)) == 1
    assert notifications_of(AGENT) == []
    assert sent.emails_to(AGENT) == []
    # and one domain event went to the bus, named after the activity type, carrying its id and data
    assert len(sent.events) == 1
    entry = sent.events[0]["Entries"][0]
    detail = json.loads(entry["Detail"])
    assert entry["DetailType"] == "deal.stage_changed" and entry["Source"] == "threshold"
    assert detail["event_id"] == event_id and detail["data"]["to"] == "due_diligence"


def test_a_duplicated_stream_record_gives_one_notification_and_one_published_event(seeded, outbox, sent):
    # Given one stage change on the stream
    stage_changed(deal_id(seeded, "park_purchase"), AGENT)
    records = outbox.records()

    # When Lambda delivers the batch twice, and a batch holding the record twice
    assert outbox.deliver(records) == {"batchItemFailures": []}
    assert outbox.deliver(records) == {"batchItemFailures": []}
    assert outbox.deliver(records + records) == {"batchItemFailures": []}

    # Then each person has one notification per channel, got one email, and one event was published
    assert by_channel(CLIENT) == {"email": 1, "in_app": 1}
    assert len(sent.emails_to(CLIENT)) == 1
    assert len(sent.events) == 1


def test_a_retry_after_a_failure_resumes_without_repeating(seeded, outbox, sent, monkeypatch):
    # Given EventBridge fails the first time the event is published
    from chalicelib.store import outbound

    stage_changed(deal_id(seeded, "park_purchase"), AGENT)
    records = outbox.records()
    real = outbound.publish_event
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise outbound.PublishFailed("throttled")
        real(*args, **kwargs)

    monkeypatch.setattr(outbound, "publish_event", flaky)

    # When the batch is delivered: the record is reported failed (Lambda will retry it)
    first = outbox.deliver(records)
    assert first == {"batchItemFailures": [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}
    # the notifications were planned once, nothing was sent yet
    assert by_channel(CLIENT) == {"email": 1, "in_app": 1}
    assert sent.emails_to(CLIENT) == []

    # When Lambda retries
    assert outbox.deliver(records) == {"batchItemFailures": []}

    # Then the event was published once and each email went out once
    assert len(sent.events) == 1
    assert len(sent.emails_to(CLIENT)) == 1
    assert by_channel(CLIENT) == {"email": 1, "in_app": 1}


def test_other_items_and_modifications_are_ignored(seeded, outbox, sent, api):
    # Given a deal edit: a MODIFY of the deal and its parties, and an INSERT of a deal.updated event
    deal = deal_id(seeded, "park_purchase")
    reply = api.get(f"/v1/deals/{deal}", as_user=AGENT)
    patched = api.patch(
        f"/v1/deals/{deal}",
        {"title": "Reyes purchase"},
        as_user=AGENT,
        headers={"If-Match": reply.headers["ETag"]},
    )
    assert patched.status == 200
    records = outbox.records()
    assert {r["eventName"] for r in records} >= {"MODIFY", "INSERT"}

    # When the stream delivers them
    assert outbox.deliver(records) == {"batchItemFailures": []}

    # Then nobody is notified of a detail edit, but the event is still published for integrations
    assert notifications_of(CLIENT) == []
    assert [json.loads(e["Entries"][0]["Detail"])["type"] for e in sent.events] == ["deal.updated"]


def test_an_internal_event_never_reaches_a_non_staff_user(seeded, outbox, sent):
    # Given an internal reminder escalation and an internal message on the purchase
    deal = deal_id(seeded, "park_purchase")
    record(
        deal,
        AGENT,
        EventType.MESSAGE_POSTED,
        {"message_id": "m_1", "excerpt": "commission split"},
        visibility=Visibility.INTERNAL,
    )

    # When the outbox runs
    outbox.run()

    # Then no client, lender, title or attorney hears of it
    for email in (CLIENT, CO_CLIENT, LENDER, "tom@clearskytitle.example", "ann@closinglaw.example"):
        assert notifications_of(email) == []
    assert sent.emails == [] and sent.sms == []


def test_a_restricted_event_reaches_only_the_users_it_names(seeded, outbox, sent):
    # Given a message restricted to the lender
    deal = deal_id(seeded, "park_purchase")
    lender = user_id(LENDER)
    record(
        deal,
        AGENT,
        EventType.MESSAGE_POSTED,
        {"message_id": "m_2", "excerpt": "please send the appraisal"},
        visibility=Visibility.RESTRICTED,
        restricted_to=[lender],
    )

    # When the outbox runs
    outbox.run()

    # Then the lender is told, the buyers are not
    assert by_channel(LENDER) == {"email": 1, "in_app": 1}
    assert notifications_of(CLIENT) == [] and notifications_of(CO_CLIENT) == []


def test_the_outbox_marker_expires_after_the_stream_retention(seeded, outbox):
    # Given a processed event
    event_id = stage_changed(deal_id(seeded, "park_purchase"), AGENT)
    outbox.run()

    # Then its progress marker is done and carries a TTL (a week: the stream keeps records 24 h)
    marker = OutboxItem.get(*OutboxItem.key_for(event_id=event_id))
    assert marker.state == "done" and marker.expires_at is not None


def test_an_event_for_more_people_than_one_transaction_holds_is_still_notified_once(
    seeded, outbox, monkeypatch
):
    # Given a transaction limit smaller than the event's notifications (a very large deal)
    monkeypatch.setattr("chalicelib.store.notifications.MAX_TRANSACTION_ITEMS", 3)
    stage_changed(deal_id(seeded, "park_purchase"), AGENT)
    records = outbox.records()

    # When the record is delivered twice
    assert outbox.deliver(records) == {"batchItemFailures": []}
    assert outbox.deliver(records) == {"batchItemFailures": []}

    # Then everyone has one notification per channel
    for email in (CLIENT, CO_CLIENT, LENDER):
        assert by_channel(email) == {"email": 1, "in_app": 1}
