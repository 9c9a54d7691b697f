"""A failing receiver: retries on the backoff schedule for about a day, then the delivery is dead-lettered,
the endpoint disabled and the org's admins told; an admin re-enables it and replays; rotation overlaps."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.domain import webhooks as rules
from chalicelib.store.webhook_models import WebhookItem
from tests.support.notify import notifications_of
from tests.webhooks.support import ADMIN, ALL, COORDINATOR, create, deliveries, sweep


def _attempt_times(api, hook_id: str, rounds: int) -> list:
    """Run the sweep at each delivery's next attempt time, `rounds` times; the attempt times."""
    times = []
    for _ in range(rounds):
        (entry,) = deliveries(api, hook_id)
        assert entry["status"] == "pending", entry
        at = clock.parse_iso(entry["next_attempt_at"])
        clock.freeze(at)
        assert sweep()["attempted"] == 1
        times.append(at)
    return times


def test_a_failing_receiver_is_retried_for_a_day_then_dead_lettered_and_disabled(
    seeded, api, receiver, sent, ddb_calls
):
    start = clock.now()
    clock.freeze(start)
    hook = create(api, receiver.url).json
    receiver.statuses = [503]
    api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN)
    # a sweep before the next attempt is due attempts nothing
    times = _attempt_times(api, hook["id"], 1)
    assert sweep()["attempted"] == 0
    times += _attempt_times(api, hook["id"], rules.MAX_ATTEMPTS - 1)

    offsets = [t - times[0] for t in times]
    assert offsets == rules.schedule_offsets()  # 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
    assert timedelta(hours=24) < offsets[-1] < timedelta(hours=30)  # about a day
    assert (
        len({r.webhook_id for r in receiver.received}) == 1 and len(receiver.received) == rules.MAX_ATTEMPTS
    )

    (entry,) = deliveries(api, hook["id"])
    assert entry["status"] == "failed" and entry["attempts"] == rules.MAX_ATTEMPTS
    assert entry["next_attempt_at"] is None and entry["response_code"] == 503
    endpoint = api.get(f"{ALL}/{hook['id']}", as_user=ADMIN).json
    assert endpoint["enabled"] is False and endpoint["disabled_reason"] == "failing"
    # the org's admins are told, in the app and by email; coordinators are not
    told = [n for n in notifications_of(ADMIN) if n.event_type == "webhook.disabled"]
    assert sorted(n.channel for n in told) == ["email", "in_app"]
    assert len(sent.emails_to(ADMIN)) == 1
    assert not [n for n in notifications_of(COORDINATOR) if n.event_type == "webhook.disabled"]
    feed = api.get("/v1/notifications", as_user=ADMIN).json["items"]
    assert any("webhook" in n["subject"].lower() for n in feed)

    # nothing more is attempted for a disabled endpoint
    clock.freeze(times[-1] + timedelta(days=1))
    assert sweep()["attempted"] == 0


def test_an_admin_re_enables_and_replays_with_the_same_webhook_id(seeded, api, receiver, ddb_calls):
    hook = create(api, receiver.url).json
    receiver.secrets = [hook["secret"]]
    receiver.statuses = [500, 200]
    test = api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN).json
    sweep()
    pending = api.post(f"{ALL}/{hook['id']}/deliveries/{test['id']}/replay", as_user=ADMIN)
    assert pending.status == 409 and pending.error_code == "delivery_pending"  # it is being retried
    clock.freeze(clock.now() + timedelta(seconds=6))
    sweep()
    (entry,) = deliveries(api, hook["id"])
    assert entry["status"] == "succeeded" and entry["attempts"] == 2

    ddb_calls.reset()
    replay = api.post(f"{ALL}/{hook['id']}/deliveries/{test['id']}/replay", as_user=ADMIN)
    assert replay.status == 200, replay.json
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 2, "TransactWriteItems": 1}
    assert replay.json["status"] == "pending" and replay.json["replays"] == 1
    assert api.post(f"{ALL}/{hook['id']}/deliveries/{test['id']}/replay", as_user=COORDINATOR).status == 403
    sweep()
    assert [r.webhook_id for r in receiver.received] == [test["id"]] * 3  # the same message each time
    assert receiver.processed == {test["id"]}  # a receiver deduping on webhook-id acts once
    (entry,) = deliveries(api, hook["id"])
    assert entry["status"] == "succeeded" and entry["attempts"] == 3
    unknown = api.post(
        f"{ALL}/{hook['id']}/deliveries/msg_000000000000aaaaaaaaaaaaaaaaaaaa/replay", as_user=ADMIN
    )
    assert unknown.status == 404


def test_rotation_signs_with_both_secrets_during_the_overlap(seeded, api, receiver, ddb_calls):
    hook = create(api, receiver.url).json
    old = hook["secret"]
    ddb_calls.reset()
    rotated = api.post(f"{ALL}/{hook['id']}/rotate-secret", {"overlap_hours": 1}, as_user=ADMIN)
    assert rotated.status == 200, rotated.json
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}
    new = rotated.json["secret"]
    assert new != old and rotated.json["previous_secret_until"]
    receiver.secrets = [old, new]

    api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN)
    sweep()
    during = receiver.received[-1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert during.verified_with == [0, 1]  # a receiver holding either secret accepts it

    # the hour passes (the receiver's library checks timestamps against the real clock, so the window
    # is moved rather than the clock)
    item = WebhookItem.get(*WebhookItem.key_for(webhook_id=hook["id"]))
    item.update(
        actions=[WebhookItem.previous_secret_until.set(clock.iso(clock.now() - timedelta(seconds=1)))]
    )
    api.post(f"{ALL}/{hook['id']}/test", as_user=ADMIN)
    sweep()
    after = receiver.received[-1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert after.verified_with == [1]  # only the new secret now
