"""Items of notifications and reminders; keys declared once each (docs/DATA_MODEL.md lists them).

    USER#{user_id}#NOTIF   {channel}#{notification_id}      notifications (in_app# is the feed)
      GSI1 NOTIF#{notification_id} NOTIF                    a notification by its id (ops' resend)
    USER#{user_id}         NOTIFY#PREFS                     preferences
    USER#{user_id}         CAP#{yyyy-mm-dd}                 the daily send counter (expires)
    EMAIL#{email}          SUPPRESSED                       an address SES bounced or complained about
    OUTBOX#{event_id}      OUTBOX                           the outbox's progress on one event (expires)
    DEAL#{deal_id}         REMIND#{item_id}#{due}#{thr}     a reminder already sent (once per threshold)
    ORG#{org_id}           NOTIFY#RULES                     an org's overrides of the notification rules

GSI3 is the due index of the sweep: open tasks and document requests by the time of their next reminder
(`DUE#{shard}`), and queued email/SMS by their send time (`SENDQ#{shard}`). Both write-sharded, both sparse.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from chalicelib.clock import parse_iso
from chalicelib.config import settings
from chalicelib.domain import reminders
from chalicelib.domain.entities import Notification, NotificationPreference
from chalicelib.store import schema
from chalicelib.store.table import KeyFormat, TableItem

SHARDS = 4
DUE_INDEX = KeyFormat("DUE#{due_shard}", "{remind_at}#{deal_id}#{due_ref}")
DUE_INDEX_DEPENDS = frozenset({"status", "due_at", "reminded"})
SEND_QUEUE = KeyFormat("SENDQ#{queue_shard}", "{send_after}#{notification_id}")
BY_ID = KeyFormat("NOTIF#{notification_id}", "NOTIF")


def shard_of(identifier: str) -> int:
    return int.from_bytes(hashlib.sha256(identifier.encode()).digest()[:2], "big") % SHARDS


def due_key_values(values: dict[str, Any], *, kind: str, item_id: str, is_open: bool) -> dict[str, Any]:
    """The due index's derived key values for a task or document request (None keeps it out)."""
    due_text = values.get("due_at")
    remind_at = None
    if is_open and due_text:
        delay = timedelta(hours=settings().reminder_escalation_hours)
        remind_at = reminders.next_reminder_at(values.get("reminded"), parse_iso(str(due_text)), delay)
    values["due_shard"] = shard_of(item_id) if item_id else None
    values["remind_at"] = remind_at
    values["due_ref"] = f"{kind}#{item_id}"
    return values


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


class NotificationItem(TableItem, discriminator="Notification"):
    KEY = KeyFormat("USER#{user_id}#NOTIF", "{channel}#{notification_id}")
    INDEXES = {schema.GSI1: BY_ID, schema.GSI3: SEND_QUEUE}
    INDEX_DEPENDS = {schema.GSI3: frozenset({"state"})}
    ENTITY = Notification

    notification_id = _text(False)
    user_id = _text(False)
    channel = _text(False)
    event_id = _text(False)
    event_type = _text(False)
    created_at = _text(False)
    state = _text(False)
    send_after = _text(False)
    message: MapAttribute[str, Any] = MapAttribute()
    deal_id = _text()
    org_id = _text()
    destination = _text()
    time_zone = _text()
    digest = BooleanAttribute(null=True)
    critical = BooleanAttribute(null=True)
    read_at = _text()
    sent_at = _text()
    delivered_at = _text()
    provider_id = _text()
    reason = _text()
    attempts = NumberAttribute(null=True)
    resent_from = _text()
    resend_count = NumberAttribute(null=True)

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        queued = self.state == "queued" and self.channel != "in_app"
        values["queue_shard"] = shard_of(self.notification_id) if queued and self.notification_id else None
        return values


class PreferenceItem(TableItem, discriminator="NotificationPreference"):
    KEY = KeyFormat("USER#{user_id}", "NOTIFY#PREFS")
    ENTITY = NotificationPreference

    user_id = _text(False)
    updated_at = _text(False)
    time_zone = _text()
    quiet_start = _text()
    quiet_end = _text()
    digest = _text(False)
    channels: MapAttribute[str, Any] = MapAttribute(null=True)
    categories: MapAttribute[str, Any] = MapAttribute(null=True)
    version = NumberAttribute()


class DailyCapItem(TableItem, discriminator="NotificationCap"):
    KEY = KeyFormat("USER#{user_id}", "CAP#{day}")

    user_id = _text(False)
    day = _text(False)
    sends = NumberAttribute(null=True)


class SuppressionItem(TableItem, discriminator="EmailSuppression"):
    """In the address's own partition (the user's), so it is found by the address SES reports."""

    KEY = KeyFormat("EMAIL#{email}", "SUPPRESSED")

    email = _text(False)
    reason = _text(False)
    at = _text(False)


class OutboxItem(TableItem, discriminator="OutboxProgress"):
    KEY = KeyFormat("OUTBOX#{event_id}", "OUTBOX")

    event_id = _text(False)
    state = _text(False)  # planned → published → done
    notifications = ListAttribute(null=True)  # type: ignore[var-annotated]  # "pk|sk" of each one


class ReminderMarkerItem(TableItem, discriminator="ReminderMarker"):
    """Written once per item, due date and threshold, in the reminder's own transaction."""

    KEY = KeyFormat("DEAL#{deal_id}", "REMIND#{item_id}#{due_at}#{threshold}")

    deal_id = _text(False)
    item_id = _text(False)
    due_at = _text(False)
    threshold = _text(False)
    event_id = _text(False)


class OrgRulesItem(TableItem, discriminator="NotificationRules"):
    KEY = KeyFormat("ORG#{org_id}", "NOTIFY#RULES")

    org_id = _text(False)
    overrides: MapAttribute[str, Any] = MapAttribute(null=True)
    updated_at = _text(False)
    updated_by = _text(False)


NOTIFICATION_ITEM_CLASSES: tuple[type[TableItem], ...] = (
    NotificationItem,
    PreferenceItem,
    DailyCapItem,
    SuppressionItem,
    OutboxItem,
    ReminderMarkerItem,
    OrgRulesItem,
)
