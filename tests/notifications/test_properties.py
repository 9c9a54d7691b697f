"""The whole pipeline (outbox → delivery → sweep) under random sequences of events, opt-outs, opt-ins and
bounces, at random times in random time zones: what a recipient receives always matches their choices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import clock
from chalicelib.domain.notifications import sms_allowed_at
from chalicelib.services import feedback, reminders
from tests.support.demo import deal_id
from tests.support.notify import Outbox, Sent, notifications_of, stage_changed

COORDINATOR = "cora.coord@harbormain.example"
TENANT = "tara.tenant@mail.example"
PHONE = "+16175550104"

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("event"), st.integers(0, 24 * 60 - 1)),
        st.tuples(st.just("email_off"), st.just(0)),
        st.tuples(st.just("email_on"), st.just(0)),
        st.tuples(st.just("sms_off"), st.just(0)),
        st.tuples(st.just("bounce"), st.just(0)),
    ),
    min_size=2,
    max_size=6,
)
ZONES = st.sampled_from(["America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Sydney"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, zone=ZONES, day=st.integers(0, 364))
def test_what_a_tenant_receives_follows_their_choices_at_once(
    demo_snapshot, providers, api, actions, zone, day
):
    demo = demo_snapshot.restore()
    deal = deal_id(demo, "sink_repair")
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day)
    clock.freeze(start)
    assert (
        api.request("PUT", "/v1/me/preferences", as_user=TENANT, json_body={"time_zone": zone}).status == 200
    )
    outbox = Outbox()
    email_on, sms_on, bounced = True, True, False
    with Sent() as sent:
        for n, (action, minute) in enumerate(actions):
            now = start + timedelta(days=n, minutes=minute)
            clock.freeze(now)
            if action == "event":
                emails_before, sms_before = len(sent.emails_to(TENANT)), len(sent.sms_to(PHONE))
                event_id = stage_changed(deal, COORDINATOR, to="scheduled", to_label=f"Scheduled {n}")
                outbox.run()
                mine = {x.channel: x for x in notifications_of(TENANT) if x.event_id == event_id}
                # the very next event after an opt-out has no email; after a bounce, email is suppressed
                assert ("email" in mine) == email_on
                if email_on:
                    assert mine["email"].state == ("suppressed" if bounced else "sent")
                    assert len(sent.emails_to(TENANT)) == emails_before + (0 if bounced else 1)
                assert ("sms" in mine) == sms_on
                if sms_on:  # sent now only inside 08:00–21:00 local, else queued for the morning
                    texted = len(sent.sms_to(PHONE)) > sms_before
                    assert texted == sms_allowed_at(now, zone)
                    assert sms_allowed_at(clock.parse_iso(mine["sms"].send_after), zone)
            elif action in ("email_off", "email_on", "sms_off"):
                channel, on = action.split("_")
                body = {"channels": {channel: on == "on"}}
                assert api.request("PUT", "/v1/me/preferences", as_user=TENANT, json_body=body).status == 200
                email_on = email_on if channel != "email" else on == "on"
                sms_on = sms_on if channel != "sms" else False
            else:
                feedback.suppress(TENANT, "bounce", now)
                bounced = True
        # a sweep the next day sends what waited, and never an SMS outside the local hours
        for hour in range(0, 40, 5):
            moment = now + timedelta(hours=hour)
            before = len(sent.sms_to(PHONE))
            reminders.sweep(moment)
            if len(sent.sms_to(PHONE)) > before:
                assert sms_allowed_at(moment, zone)
    clock.freeze(None)
