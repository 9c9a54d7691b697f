"""Calendar feeds (docs/CALENDAR.md): a person's private ICS URL, read back with a second RFC 5545 parser
(vobject): the key dates of their deals, their own open tasks and document requests in the deal's time
zone, stable UIDs, cancellations, rotation and revocation, nobody else's contact details, and its cost."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import vobject  # type: ignore[import-untyped]  # no stubs

from tests.support.demo import ADMIN, deal_id

CLIENT = "bianca.buyer@mail.example"
VENDOR = "victor@fixitplumbing.example"


def _feed_path(api, user=CLIENT):
    reply = api.get("/v1/me/calendar", as_user=user)
    assert reply.status == 200
    return urlparse(reply.json["url"]).path


def _events(api, path):
    reply = api.get(path)
    assert reply.status == 200, reply.raw
    assert reply.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = vobject.readOne(reply.raw.decode("utf-8"))
    return calendar, {e.uid.value: e for e in calendar.contents.get("vevent", [])}


def _me(api, user=CLIENT):
    return api.get("/v1/me", as_user=user).json["id"]


def _task(api, deal, **fields):
    reply = api.post(f"/v1/deals/{deal}/tasks", {"stage": "under_contract", **fields}, as_user=ADMIN)
    assert reply.status == 201, reply.json
    return reply.json


def test_the_feed_holds_key_dates_and_my_own_tasks_in_the_deals_time_zone(seeded, api):
    deal = deal_id(seeded, "park_purchase")
    me = _me(api)
    mine = _task(api, deal, title="Sign the disclosures", owner_user_id=me, due_at="2026-12-20T22:00:00Z")
    internal = _task(
        api,
        deal,
        title="Check commission split",
        owner_user_id=me,
        due_at="2026-12-21T15:00:00Z",
        visibility="internal",
    )
    calendar, events = _events(api, _feed_path(api))

    task = events[f"task-{mine['id']}@threshold"]
    start = task.dtstart.value
    assert task.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["America/New_York"]  # the deal's zone, not UTC
    assert (start.hour, start.minute) == (17, 0)  # 22:00 UTC is 5 PM in New York in December
    assert start.astimezone(ZoneInfo("UTC")) == datetime(2026, 12, 20, 22, 0, tzinfo=ZoneInfo("UTC"))
    assert task.status.value == "CONFIRMED" and int(task.sequence.value) == mine["version"]
    zones = [z.tzid.value for z in calendar.contents["vtimezone"]]
    assert zones == ["America/New_York"]  # the zone is carried by the calendar, not guessed
    assert f"task-{internal['id']}@threshold" not in events  # a client never sees an internal task

    workspace = api.get(f"/v1/deals/{deal}", as_user=CLIENT).json
    for name, day in workspace["key_dates"].items():
        event = events[f"keydate-{deal}-{name}@threshold"]
        assert event.dtstart.value == date.fromisoformat(day)  # all-day: a date, not a time
        assert not isinstance(event.dtstart.value, datetime)


def test_no_other_partys_contact_details(seeded, api):
    deal = deal_id(seeded, "park_purchase")
    _task(api, deal, title="Book the walk-through", owner_user_id=_me(api), due_at="2026-12-22T14:00:00Z")
    reply = api.get(_feed_path(api))
    text = reply.raw.decode("utf-8").lower()
    parties = api.get(f"/v1/deals/{deal}", as_user=ADMIN).json["parties"]
    for party in parties:
        assert party["email"].lower() not in text
        if party.get("name"):
            assert party["name"].lower() not in text
        if party.get("phone"):
            assert party["phone"] not in text
    assert "mailto:" not in text and "attendee" not in text and "organizer" not in text


def test_a_cancelled_task_stays_as_cancelled_with_a_newer_sequence(seeded, api):
    deal = deal_id(seeded, "park_purchase")
    task = _task(api, deal, title="Wire the deposit", owner_user_id=_me(api), due_at="2026-12-23T20:00:00Z")
    path = _feed_path(api)
    reply = api.patch(
        f"/v1/deals/{deal}/tasks/{task['id']}",
        {"status": "cancelled"},
        as_user=ADMIN,
        headers={"If-Match": f'"{task["version"]}"'},
    )
    assert reply.status == 200
    _, events = _events(api, path)
    event = events[f"task-{task['id']}@threshold"]
    assert event.status.value == "CANCELLED"
    assert int(event.sequence.value) > task["version"]


def test_the_url_is_stable_until_rotated_and_rotation_kills_the_old_one_at_once(seeded, api):
    first = _feed_path(api)
    assert _feed_path(api) == first
    rotated = api.post("/v1/me/calendar/rotate", as_user=CLIENT)
    assert rotated.status == 200
    new = urlparse(rotated.json["url"]).path
    assert new != first
    gone = api.get(first)
    assert gone.status == 404 and gone.error_code == "not_found"
    assert api.get(new).status == 200
    assert _feed_path(api) == new


def test_revoking_stops_the_feed_and_a_new_url_can_be_made(seeded, api):
    path = _feed_path(api)
    revoked = api.delete("/v1/me/calendar", as_user=CLIENT)
    assert revoked.status == 200 and revoked.json == {"revoked": True}
    assert api.get(path).status == 404
    assert api.delete("/v1/me/calendar", as_user=CLIENT).json == {"revoked": False}
    fresh = _feed_path(api)
    assert fresh != path and api.get(fresh).status == 200


def test_an_unknown_url_reveals_nothing(seeded, api):
    for path in ("/v1/calendar/" + "A" * 43 + ".ics", "/v1/calendar/short.ics", "/v1/calendar/%3Bdrop"):
        reply = api.get(path)
        assert reply.status == 404
        assert reply.json["error"]["message"] in {
            "calendar feed not found",
            "no route of this API matches this path",
        }


def test_a_vendor_sees_no_key_dates_of_a_deal_beyond_their_work_order(seeded, api):
    _, events = _events(api, _feed_path(api, VENDOR))
    lease = deal_id(seeded, "main_lease")
    assert not [uid for uid in events if uid.startswith(f"keydate-{lease}-")]


def test_the_feed_costs_one_getitem_and_a_query_per_deal(seeded, api, ddb_calls):
    deals = api.get("/v1/deals?limit=100", as_user=CLIENT).json["items"]
    path = _feed_path(api)
    ddb_calls.reset()
    assert api.get(path).status == 200
    # the token, the person (and their staff roles), their deals, then each deal's partition
    assert ddb_calls.by_operation() == {"GetItem": 1, "Query": 2 + len(deals)}
    ddb_calls.reset()
    assert api.get("/v1/me/calendar", as_user=CLIENT).status == 200
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1}  # the caller, then their feed record


def test_my_document_requests_are_in_the_feed_with_their_due_time(seeded, api):
    deal = deal_id(seeded, "park_purchase")
    body = {
        "type": "bank_statement",
        "label": "Bank statement",
        "target_user_ids": [_me(api)],
        "due_at": "2026-12-24T13:30:00Z",
    }
    created = api.post(f"/v1/deals/{deal}/document-requests", body, as_user=ADMIN)
    assert created.status == 201, created.json
    calendar_text = api.get(_feed_path(api)).raw.decode("utf-8")
    _, events = _events(api, _feed_path(api))
    event = events[f"docreq-{created.json['id']}@threshold"]
    assert event.summary.value.startswith("Upload: Bank statement")
    assert (event.dtstart.value.hour, event.dtstart.value.minute) == (8, 30)  # 13:30 UTC, New York
    assert "DTSTART;TZID=America/New_York:20261224T083000" in calendar_text.replace("\r\n ", "")


def test_the_feed_is_rate_limited_per_url(seeded, api, monkeypatch):
    from chalicelib.api import calendar

    monkeypatch.setattr(calendar, "FEED_LIMIT", calendar.FeedLimiter(limit=2, window_seconds=60))
    path = _feed_path(api)
    assert [api.get(path).status for _ in range(3)] == [200, 200, 429]
    assert api.get(path).error_code == "too_many_requests"
    assert api.get(_feed_path(api, VENDOR)).status == 200  # another person's URL is counted apart


def test_rotating_and_revoking_are_one_transaction_each(seeded, api, ddb_calls):
    _feed_path(api)
    ddb_calls.reset()
    assert api.post("/v1/me/calendar/rotate", as_user=CLIENT).status == 200
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}
    ddb_calls.reset()
    assert api.delete("/v1/me/calendar", as_user=CLIENT).status == 200
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}


def test_a_retried_rotation_rotates_once_and_never_stores_the_url(seeded, api):
    first_url = _feed_path(api)
    headers = {"Idempotency-Key": "rotate-1"}
    rotated = api.post("/v1/me/calendar/rotate", as_user=CLIENT, headers=headers)
    again = api.post("/v1/me/calendar/rotate", as_user=CLIENT, headers=headers)
    assert again.headers.get("Idempotent-Replayed") == "true"
    token = urlparse(rotated.json["url"]).path.rsplit("/", 1)[-1]
    assert token not in again.raw.decode()  # the replay comes from the table, which never holds the URL
    assert _feed_path(api) == urlparse(rotated.json["url"]).path != first_url
