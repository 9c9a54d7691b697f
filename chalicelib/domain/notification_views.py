"""What the feed and the preferences routes answer (a user only ever sees their own)."""

from __future__ import annotations

from chalicelib.clock import iso
from chalicelib.domain import account_responses as out
from chalicelib.domain.entities import Notification, NotificationPreference
from chalicelib.domain.notifications import Channel, Digest


def notification_view(n: Notification) -> out.Notification:
    view: out.Notification = {
        "id": n.notification_id,
        "type": n.event_type,
        "deal_id": n.deal_id,
        "subject": n.message.get("subject"),
        "text": f"{n.message.get('happened', '')} {n.message.get('next_step', '')}".strip(),
        "link": n.message.get("link"),
        "created_at": iso(n.created_at),
        "read": n.read_at is not None,
    }
    if n.read_at is not None:
        view["read_at"] = iso(n.read_at)
    return view


def admin_notification_view(n: Notification) -> out.AdminNotification:
    """What ops sees of one notification (the admin resend answers it): who, how, and what became of it."""
    return {
        **notification_view(n),
        "user_id": n.user_id,
        "channel": n.channel,
        "state": n.state,
        "reason": n.reason,
        "resent_from": n.resent_from,
        "sent_at": iso(n.sent_at) if n.sent_at else None,
    }


def preferences_view(p: NotificationPreference | None) -> out.Preferences:
    """Effective preferences: channels not switched off are on; categories list only overrides."""
    channels = dict(p.channels) if p else {}
    quiet: out.HoursOfDay | None = None
    if p and p.quiet_start and p.quiet_end:
        quiet = {"start": p.quiet_start, "end": p.quiet_end}
    return {
        "time_zone": p.time_zone if p else None,  # null: the time zone of the brokerage that sent it
        "quiet_hours": quiet,
        "digest": p.digest if p else Digest.IMMEDIATE.value,
        "channels": {c.value: channels.get(c.value, True) for c in Channel},
        "categories": {k: dict(v) for k, v in (p.categories if p else {}).items()},
        "sms_hours": {"start": "08:00", "end": "21:00"},
        "version": p.version if p else 0,
    }
