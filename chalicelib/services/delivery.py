"""Sending queued email and SMS: preferences re-checked, SMS hours enforced, the daily cap, digests.

Used by the outbox (what is due at once) and by the sweep (what was deferred: quiet hours, SMS hours,
digests, transient provider failures). Each notification is claimed (queued → sent, conditionally) before
the provider call, so no notification is sent twice however many workers see it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import defaultdict
from datetime import datetime, timedelta

from chalicelib.clock import iso
from chalicelib.config import settings
from chalicelib.domain import notification_templates as templates
from chalicelib.domain.events import spec
from chalicelib.domain.notifications import (
    DEFAULT_TIME_ZONE,
    Channel,
    DeliveryState,
    Preferences,
    preferences_of,
    send_time,
    sms_allowed_at,
    still_wanted,
)
from chalicelib.observability import logger, metrics
from chalicelib.store import notifications as store
from chalicelib.store import outbound
from chalicelib.store.notification_models import NotificationItem

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=5)


def send_due(items: list[NotificationItem], now: datetime, recipients: store.Recipients | None = None) -> int:
    """Send every queued email/SMS among `items` whose time has come; returns how many went out.
    Digest emails of one user go out together as one email."""
    due = [i for i in items if i.state == DeliveryState.QUEUED.value and i.send_after <= iso(now)]
    if not due:
        return 0
    if recipients is None:  # re-read preferences and suppressions: an opt-out since planning wins
        people: dict[str, str | None] = {
            i.user_id: i.destination for i in due if i.channel == Channel.EMAIL.value
        }
        people.update({i.user_id: None for i in due if i.user_id not in people})
        recipients = store.load_recipients(None, people)
    groups: dict[tuple[str, str], list[NotificationItem]] = defaultdict(list)
    for item in due:
        key = (item.user_id, "digest") if item.digest else (item.user_id, item.notification_id)
        groups[key].append(item)
    return sum(_send_group(group, now, recipients) for group in groups.values())


def flush(now: datetime) -> int:
    """The sweep's half of delivery: everything queued whose send time has come."""
    return send_due(list(store.queued_due(now)), now)


def _send_group(group: list[NotificationItem], now: datetime, recipients: store.Recipients) -> int:
    first = group[0]
    channel = Channel(first.channel)
    prefs = preferences_of(recipients.preferences.get(first.user_id), first.time_zone or DEFAULT_TIME_ZONE)
    wanted = _still_wanted(group, channel, prefs, recipients)
    if not wanted or _deferred_to_morning(wanted, channel, prefs, now):
        return 0
    claimed = [i for i in wanted if store.claim(i, now)]
    if not claimed:
        return 0
    if not store.count_send(first.user_id, now.date().isoformat(), settings().notification_daily_cap, now):
        for item in claimed:
            store.record_outcome(item, {"state": DeliveryState.SUPPRESSED.value, "reason": "daily_cap"})
        metrics.add_metric(name="NotificationsCapped", unit="Count", value=len(claimed))
        return 0
    try:
        provider_id = _send(channel, claimed)
    except outbound.SendFailed as failure:
        _failed(claimed, failure, now)
        return 0
    for item in claimed:
        store.record_outcome(item, {"provider_id": provider_id})
    metrics.add_metric(name=f"{channel.value.title()}Sent", unit="Count", value=1)
    return 1


def _still_wanted(
    group: list[NotificationItem], channel: Channel, prefs: Preferences, recipients: store.Recipients
) -> list[NotificationItem]:
    wanted = []
    for item in group:
        reason = _refusal(item, channel, prefs, recipients)
        if reason is None:
            wanted.append(item)
        else:
            store.record_outcome(item, {"state": DeliveryState.SUPPRESSED.value, "reason": reason})
    return wanted


def _deferred_to_morning(
    items: list[NotificationItem], channel: Channel, prefs: Preferences, now: datetime
) -> bool:
    """A late sweep must not text at night: the SMS waits for 08:00 local (it stays queued)."""
    if channel is not Channel.SMS or sms_allowed_at(now, prefs.time_zone):
        return False
    for item in items:
        later = send_time(Channel.SMS, now, prefs, critical=bool(item.critical))
        store.record_outcome(item, {"send_after": later})
    return True


def _refusal(
    item: NotificationItem, channel: Channel, prefs: Preferences, recipients: store.Recipients
) -> str | None:
    if not still_wanted(channel, spec(item.event_type).category.value, prefs):
        return "opted_out"
    if channel is Channel.EMAIL and item.destination in recipients.suppressed:
        return "address_suppressed"
    if channel is Channel.SMS and outbound.phone_opted_out(str(item.destination)):
        return "sms_opted_out"  # replied STOP: SNS's opt-out list
    return None


def _send(channel: Channel, items: list[NotificationItem]) -> str:
    messages = [templates.from_data(i.message.as_dict()) for i in items]
    first = items[0]
    if channel is Channel.SMS:
        return outbound.send_sms(str(first.destination), templates.sms(messages[0]))
    unsubscribe = unsubscribe_url(first.user_id)
    mail = templates.email(messages, unsubscribe_url=unsubscribe)
    tags = {"notification": first.notification_id, "user": first.user_id}
    return outbound.send_email(
        outbound.OutgoingEmail(str(first.destination), mail.subject, mail.text, mail.html, unsubscribe, tags)
    )


def _failed(items: list[NotificationItem], failure: outbound.SendFailed, now: datetime) -> None:
    logger.warning("a notification could not be sent", extra={"code": failure.code})
    for item in items:
        attempts = int(item.attempts or 1)
        if failure.permanent or attempts >= MAX_ATTEMPTS:
            store.record_outcome(item, {"state": DeliveryState.FAILED.value, "reason": failure.code})
        else:  # throttled or unreachable: back in the queue, a little later
            store.record_outcome(
                item, {"state": DeliveryState.QUEUED.value, "send_after": now + RETRY_AFTER * attempts}
            )


# -- the unsubscribe link -------------------------------------------------------------------------


def _unsubscribe_key() -> bytes:
    # derived from the stage's signing secret with its own label, so a cursor signature can never be
    # replayed as an unsubscribe token (and the other way round)
    return hmac.new(settings().cursor_secret.encode(), b"threshold unsubscribe v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unsubscribe_token(user_id: str) -> str:
    signature = hmac.new(_unsubscribe_key(), user_id.encode(), hashlib.sha256).digest()[:16]
    return f"{_b64(user_id.encode())}.{_b64(signature)}"


def user_of_token(token: str) -> str | None:
    payload, _, _signature = token.partition(".")
    try:
        user_id = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return user_id if hmac.compare_digest(unsubscribe_token(user_id), token) else None


def unsubscribe_url(user_id: str) -> str:
    return f"{settings().portal_url.rstrip('/')}/unsubscribe/{unsubscribe_token(user_id)}"
