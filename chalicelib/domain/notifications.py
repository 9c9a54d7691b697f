"""When a notification may go out: channels, preferences, quiet hours, the SMS hours and digests.

Pure functions over timezone-aware datetimes. Times are computed in the recipient's own time zone (IANA
names, DST included) and returned in UTC. The hard rule: an SMS never goes out outside 08:00–21:00 local
time — not even a critical one; it is deferred, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from chalicelib.domain.entities import NotificationPreference
from chalicelib.domain.errors import Invalid


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    IN_APP = "in_app"


class Digest(StrEnum):
    IMMEDIATE = "immediate"
    HOURLY = "hourly"
    DAILY = "daily"


class DeliveryState(StrEnum):
    QUEUED = "queued"  # waiting for its send time (quiet hours, SMS hours, digest) or for the sender
    SENT = "sent"  # handed to SES / SNS
    DELIVERED = "delivered"  # SES confirmed delivery; in-app notifications are delivered when written
    BOUNCED = "bounced"  # SES reported a bounce: the address is suppressed from then on
    SUPPRESSED = "suppressed"  # not sent on purpose: opted out, suppressed address, daily cap, no contact
    FAILED = "failed"  # the provider refused it, or retries ran out


SMS_WINDOW = (time(8, 0), time(21, 0))  # the only hours an SMS may arrive, recipient local time
DAILY_DIGEST_AT = time(8, 0)  # a daily digest goes out at 08:00 local time
DEFAULT_TIME_ZONE = "America/New_York"


@dataclass(frozen=True)
class Window:
    """A daily span of local wall-clock time, [start, end); it may wrap past midnight (22:00–07:00)."""

    start: time
    end: time

    @property
    def empty(self) -> bool:
        return self.start == self.end

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        return _wall_in(self, moment.astimezone(zone).time().replace(tzinfo=None))

    def end_after(self, moment: datetime, zone: ZoneInfo) -> datetime:
        return next_local(moment, self.end, zone)


BLOCKED_FOR_SMS = Window(SMS_WINDOW[1], SMS_WINDOW[0])  # 21:00 → 08:00


def next_local(moment: datetime, wall: time, zone: ZoneInfo) -> datetime:
    """The first instant strictly after `moment` whose local wall clock reads `wall` (in a DST gap,
    the instant the clocks jump to)."""
    day = moment.astimezone(zone).date()
    for offset in range(3):
        candidate = datetime.combine(day + timedelta(days=offset), wall, tzinfo=zone).astimezone(UTC)
        if candidate > moment:
            return candidate
    raise AssertionError("unreachable: a wall-clock time recurs within two days")


def next_allowed(moment: datetime, zone: ZoneInfo, blocked: list[Window]) -> datetime:
    """The first instant at or after `moment` outside every blocked window."""
    at = moment
    for _ in range(8):
        inside = [w for w in blocked if not w.empty and w.contains(at, zone)]
        if not inside:
            return at
        at = max(w.end_after(at, zone) for w in inside)
    return at


def next_digest(moment: datetime, zone: ZoneInfo, digest: Digest) -> datetime:
    """When a digest collecting an event at `moment` goes out: the next local hour, or 08:00."""
    if digest is Digest.HOURLY:
        local = moment.astimezone(zone)
        top = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        # local hours are not always UTC hours (UTC+05:30): step an hour from the local top of the hour
        return top + timedelta(hours=1)
    if digest is Digest.DAILY:
        return next_local(moment, DAILY_DIGEST_AT, zone)
    return moment


@dataclass(frozen=True)
class Preferences:
    """A user's notification choices (PUT /v1/me/preferences). Absent keys mean "the rules decide"."""

    time_zone: str = DEFAULT_TIME_ZONE
    quiet_hours: Window | None = None
    digest: Digest = Digest.IMMEDIATE
    channels: dict[str, bool] = field(default_factory=dict)  # a False switches a channel off everywhere
    categories: dict[str, dict[str, bool]] = field(default_factory=dict)  # per category: on or off

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.time_zone)

    def allows(self, channel: Channel) -> bool:
        return self.channels.get(channel.value, True)


def send_time(channel: Channel, now: datetime, prefs: Preferences, *, critical: bool = False) -> datetime:
    """When a notification on `channel` may go out, given the recipient's preferences.

    - in-app: at once (the feed is not an interruption);
    - email: batched by the digest, then deferred past quiet hours — unless critical;
    - SMS: deferred past quiet hours unless critical, and *always* into 08:00–21:00 local time.
    """
    zone = prefs.zone
    if channel is Channel.IN_APP:
        return now
    quiet = [prefs.quiet_hours] if prefs.quiet_hours and not critical else []
    if channel is Channel.EMAIL:
        at = now if critical else next_digest(now, zone, prefs.digest)
        return next_allowed(at, zone, quiet)
    if quiet and not _leaves_sms_time(quiet[0]):
        quiet = []  # quiet hours covering every SMS hour: the SMS hours win (deferred, never dropped)
    return next_allowed(now, zone, [*quiet, BLOCKED_FOR_SMS])


def _leaves_sms_time(quiet: Window) -> bool:
    start, end = SMS_WINDOW
    minutes = range(start.hour * 60 + start.minute, end.hour * 60 + end.minute)
    return any(not _wall_in(quiet, time(m // 60, m % 60)) for m in minutes)


def _wall_in(window: Window, wall: time) -> bool:
    if window.empty:
        return False
    if window.start < window.end:
        return window.start <= wall < window.end
    return wall >= window.start or wall < window.end


def sms_allowed_at(moment: datetime, time_zone: str) -> bool:
    return not BLOCKED_FOR_SMS.contains(moment, zone_of(time_zone))


def is_digest(channel: Channel, prefs: Preferences, critical: bool) -> bool:
    return channel is Channel.EMAIL and prefs.digest is not Digest.IMMEDIATE and not critical


@cache
def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_wall_time(text: str) -> time:
    """ "HH:MM" (24 h) → time; anything else is a 422."""
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        raise Invalid(f"'{text}' is not a time of day (HH:MM)", code="invalid_time")
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise Invalid(f"'{text}' is not a time of day (HH:MM)", code="invalid_time")
    return time(int(hours), int(minutes))


def preferences_of(stored: NotificationPreference | None, default_time_zone: str) -> Preferences:
    """The stored preferences as rules read them; the org's time zone until the user picks one."""
    if stored is None:
        return Preferences(time_zone=default_time_zone)
    quiet = None
    if stored.quiet_start and stored.quiet_end:
        quiet = Window(parse_wall_time(stored.quiet_start), parse_wall_time(stored.quiet_end))
    return Preferences(
        time_zone=stored.time_zone or default_time_zone,
        quiet_hours=quiet,
        digest=Digest(stored.digest),
        channels=dict(stored.channels),
        categories={k: dict(v) for k, v in stored.categories.items()},
    )


_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"  # sorts as text in the order of the numbers


def _base32(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        chars.append(_CROCKFORD[digit])
    return "".join(reversed(chars))


def notification_id(event_id: str, at: datetime, user_id: str, channel: Channel) -> str:
    """Derived, not random: the same event, user and channel always give the same id (a redelivered
    event cannot write a second notification), and ids sort by the event's time (the feed's order)."""
    import hashlib

    millis = int(at.timestamp() * 1000)
    digest = hashlib.sha256(f"{event_id}|{user_id}|{channel.value}".encode()).digest()
    return "nt_" + _base32(millis, 10) + _base32(int.from_bytes(digest[:10], "big"), 16)


def still_wanted(channel: Channel, category: str, prefs: Preferences) -> bool:
    """At send time: an opt-out made since the notification was planned wins."""
    return prefs.allows(channel) and prefs.categories.get(category, {}).get(channel.value, True) is not False
