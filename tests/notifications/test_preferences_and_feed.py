"""PUT/GET /v1/me/preferences, the in-app feed with read markers, and the unsubscribe link."""

from __future__ import annotations

from chalicelib.services.delivery import unsubscribe_token
from tests.support.demo import deal_id
from tests.support.notify import by_channel, notifications_of, stage_changed, user_id

AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"


def test_preferences_start_from_the_rules_and_update_only_the_keys_sent(seeded, api):
    # Given a client who never set preferences
    first = api.get("/v1/me/preferences", as_user=CLIENT)
    assert first.status == 200
    assert first.json["channels"] == {"email": True, "sms": True, "in_app": True}
    assert first.json["digest"] == "immediate" and first.json["quiet_hours"] is None
    assert first.json["time_zone"] is None  # the brokerage's until chosen

    # When they set a time zone and quiet hours, then (separately) a digest and a category switch
    one = api.request(
        "PUT",
        "/v1/me/preferences",
        as_user=CLIENT,
        json_body={"time_zone": "America/Chicago", "quiet_hours": {"start": "22:00", "end": "07:00"}},
    )
    two = api.request(
        "PUT",
        "/v1/me/preferences",
        as_user=CLIENT,
        json_body={"digest": "daily", "categories": {"documents": {"sms": True}}, "channels": {"sms": False}},
    )

    # Then both updates are kept, and each said what it changed
    assert one.status == 200 and two.status == 200
    final = api.get("/v1/me/preferences", as_user=CLIENT).json
    assert final["time_zone"] == "America/Chicago"
    assert final["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    assert final["digest"] == "daily"
    assert final["channels"] == {"email": True, "sms": False, "in_app": True}
    assert final["categories"] == {"documents": {"sms": True}}
    assert final["version"] == 2


def test_bad_preferences_are_refused_and_nothing_is_written(seeded, api):
    for body, code in [
        ({"time_zone": "Mars/Olympus"}, "unknown_time_zone"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "invalid_fields"),
        ({"digest": "weekly"}, "invalid_fields"),
        ({"channels": {"pigeon": True}}, "invalid_fields"),
        ({"categories": {"audit": {"email": True}}}, "unknown_category"),
        ({"channels": {"email": "no"}}, "invalid_fields"),
    ]:
        reply = api.request("PUT", "/v1/me/preferences", as_user=CLIENT, json_body=body)
        assert reply.status == 422, body
        assert reply.error_code == code
    assert api.get("/v1/me/preferences", as_user=CLIENT).json["version"] == 0


def test_the_feed_lists_my_in_app_notifications_newest_first_in_one_query(seeded, api, outbox, ddb_calls):
    # Given two stage changes the client was told about
    deal = deal_id(seeded, "park_purchase")
    stage_changed(deal, AGENT)
    stage_changed(deal, AGENT, to_label="Financing", to="financing")
    outbox.run()

    # When the client reads the feed
    ddb_calls.reset()
    reply = api.get("/v1/notifications?limit=1", as_user=CLIENT)

    # Then it is one page of one, newest first, with a link to the deal, unread; one Query beyond the caller
    assert reply.status == 200
    assert ddb_calls.by_operation() == {"Query": 2}
    [item] = reply.json["items"]
    assert item["subject"] == "14 Elm St: now Financing"
    assert item["link"].endswith(f"/deals/{deal}") and item["read"] is False
    assert reply.json["next_cursor"] is not None
    rest = api.get(f"/v1/notifications?limit=1&cursor={reply.json['next_cursor']}", as_user=CLIENT).json
    assert rest["items"][0]["subject"] == "14 Elm St: now Inspections"

    # and a cursor is bound to its owner
    assert api.get(f"/v1/notifications?cursor={reply.json['next_cursor']}", as_user=AGENT).status == 400


def test_a_read_marker_is_kept_and_only_the_owner_can_set_it(seeded, api, outbox):
    stage_changed(deal_id(seeded, "park_purchase"), AGENT)
    outbox.run()
    [item] = api.get("/v1/notifications", as_user=CLIENT).json["items"]

    # Someone else cannot mark it (it is not in their feed), nor can a malformed id be
    assert api.post(f"/v1/notifications/{item['id']}/read", as_user="ben.buyer@mail.example").status == 404
    assert api.post("/v1/notifications/nope/read", as_user=CLIENT).status == 404

    # The owner marks it read, twice: still read, no error
    assert api.post(f"/v1/notifications/{item['id']}/read", as_user=CLIENT).status == 200
    assert api.post(f"/v1/notifications/{item['id']}/read", as_user=CLIENT).status == 200
    [after] = api.get("/v1/notifications", as_user=CLIENT).json["items"]
    assert after["read"] is True and "read_at" in after


def test_the_unsubscribe_link_stops_email_for_the_very_next_event(seeded, api, outbox, sent):
    # Given an email the client received carries an unsubscribe link
    deal = deal_id(seeded, "park_purchase")
    stage_changed(deal, AGENT)
    outbox.run()
    [mail] = sent.emails_to(CLIENT)
    text = mail["Content"]["Simple"]["Body"]["Text"]["Data"]
    token = unsubscribe_token(user_id(CLIENT))
    assert f"/unsubscribe/{token}" in text

    # When they follow it (no login)
    reply = api.post(f"/v1/unsubscribe/{token}")
    assert reply.status == 200 and reply.json == {"unsubscribed": ["email"]}
    assert api.post(f"/v1/unsubscribe/{token}").status == 200  # twice is fine

    # Then the very next event reaches them in the app but not by email
    stage_changed(deal, AGENT, to_label="Financing", to="financing")
    outbox.run()
    assert len(sent.emails_to(CLIENT)) == 1
    assert by_channel(CLIENT) == {"email": 1, "in_app": 2}
    assert api.get("/v1/me/preferences", as_user=CLIENT).json["channels"]["email"] is False


def test_a_forged_or_tampered_unsubscribe_token_is_refused(seeded, api):
    token = unsubscribe_token(user_id(CLIENT))
    other = unsubscribe_token(user_id("ben.buyer@mail.example"))
    forged = token.split(".")[0] + "." + other.split(".")[1]
    for bad in (forged, "garbage", token[:-2]):
        reply = api.post(f"/v1/unsubscribe/{bad}")
        assert reply.status == 404 and reply.error_code == "invalid_link"
    assert api.get("/v1/me/preferences", as_user=CLIENT).json["channels"]["email"] is True
    assert notifications_of(CLIENT) == []


def test_an_org_admin_tunes_the_rules_and_the_next_event_follows_them(seeded, api, outbox, sent):
    org = seeded.orgs["Harbor & Main Realty"]
    path = f"/v1/admin/orgs/{org}/notification-rules"
    rules = {"overrides": {"deal.stage_changed": {"client": ["in_app", "sms"]}}}

    # Only an admin of the org may change them; a coordinator may read them; others do not see the org
    assert api.request("PUT", path, as_user="cora.coord@harbormain.example", json_body=rules).status == 403
    assert api.request("PUT", path, as_user="rhea.admin@rivalrealty.example", json_body=rules).status == 404
    assert api.request("PUT", path, as_user=CLIENT, json_body=rules).status == 404
    bad = {"overrides": {"document.downloaded": {"client": ["email"]}}}
    assert api.request("PUT", path, as_user="ada.admin@harbormain.example", json_body=bad).status == 422
    reply = api.request("PUT", path, as_user="ada.admin@harbormain.example", json_body=rules)
    assert reply.status == 200 and reply.json == rules
    assert api.get(path, as_user="cora.coord@harbormain.example").json == rules

    # When the deal moves: the clients get an SMS and the in-app notice, no email any more
    stage_changed(deal_id(seeded, "park_purchase"), AGENT)
    outbox.run()
    assert by_channel(CLIENT) == {"in_app": 1, "sms": 1}
    assert sent.emails_to(CLIENT) == []
    # a partner, untouched by the override, still gets the email
    assert by_channel("lena@firstharborbank.example") == {"email": 1, "in_app": 1}
