"""Properties of when notifications may go out, over random time zones (DST included) and instants."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.notifications import (
    Channel,
    Digest,
    Preferences,
    Window,
    send_time,
    sms_allowed_at,
    zone_of,
)

ZONES = st.sampled_from(sorted(available_timezones() - {"Factory"}))
DST_ZONES = st.sampled_from(
    [
        "America/New_York",
        "America/Los_Angeles",
        "Europe/London",
        "Europe/Berlin",
        "Australia/Sydney",
        "America/Santiago",
        "Pacific/Chatham",
        "Australia/Lord_Howe",
        "America/Havana",
        "Asia/Tehran",
    ]
)
INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)
WALL = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
QUIET = st.one_of(st.none(), st.builds(Window, WALL, WALL))


def local(moment: datetime, zone: str) -> time:
    return moment.astimezone(zone_of(zone)).time()


@settings(max_examples=600, deadline=None)
@given(now=INSTANTS, zone=st.one_of(ZONES, DST_ZONES), quiet=QUIET, critical=st.booleans())
def test_no_sms_is_ever_sent_outside_8am_to_9pm_local_time(now, zone, quiet, critical):
    prefs = Preferences(time_zone=zone, quiet_hours=quiet)
    at = send_time(Channel.SMS, now, prefs, critical=critical)
    assert at >= now
    assert sms_allowed_at(at, zone), (now, zone, quiet, at.astimezone(zone_of(zone)))
    assert time(8, 0) <= local(at, zone) < time(21, 0)
    assert at - now <= timedelta(days=2)  # deferred, never dropped
    if now == at:
        assert sms_allowed_at(now, zone)


@settings(max_examples=400, deadline=None)
@given(now=INSTANTS, zone=DST_ZONES, quiet=st.builds(Window, WALL, WALL))
def test_quiet_hours_hold_unless_critical_and_when_they_leave_room_for_sms(now, zone, quiet):
    prefs = Preferences(time_zone=zone, quiet_hours=quiet)
    email = send_time(Channel.EMAIL, now, prefs)
    assert not quiet.contains(email, zone_of(zone))
    assert send_time(Channel.EMAIL, now, prefs, critical=True) == now
    sms = send_time(Channel.SMS, now, prefs)
    leaves_room = any(
        not quiet.contains(datetime.combine(now.date(), time(h, m), tzinfo=UTC), zone_of("UTC"))
        for h in range(8, 21)
        for m in range(60)
    )
    if leaves_room:  # an SMS respects quiet hours whenever they leave some of 08:00–21:00 free
        assert not quiet.contains(sms, zone_of(zone))


@settings(max_examples=400, deadline=None)
@given(
    first=INSTANTS, gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=30)), zone=DST_ZONES
)
def test_digests_batch_every_event_of_the_same_hour_or_day_into_one_send(first, gap, zone):
    second = first + gap
    tz = zone_of(zone)
    hourly = Preferences(time_zone=zone, digest=Digest.HOURLY)
    a, b = send_time(Channel.EMAIL, first, hourly), send_time(Channel.EMAIL, second, hourly)
    assert first < a <= first + timedelta(hours=1) and second < b
    same_hour = first.astimezone(tz).replace(minute=0, second=0, microsecond=0) == second.astimezone(
        tz
    ).replace(minute=0, second=0, microsecond=0)
    if same_hour and first.astimezone(tz).fold == second.astimezone(tz).fold:
        assert a == b
    daily = Preferences(time_zone=zone, digest=Digest.DAILY)
    c, d = send_time(Channel.EMAIL, first, daily), send_time(Channel.EMAIL, second, daily)
    assert first < c <= first + timedelta(hours=25)
    assert local(c, zone) >= time(8, 0)
    if second < c:  # the second event came before the first one's digest went: the same digest
        assert c == d
    assert send_time(Channel.IN_APP, first, daily) == first
