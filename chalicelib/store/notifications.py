"""Notifications, preferences, suppressions, counters and the outbox's progress: reads and writes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.clock import iso
from chalicelib.domain.entities import Notification, NotificationPreference, Org, StaffMembership, User
from chalicelib.domain.errors import NotFound
from chalicelib.store import schema
from chalicelib.store.errors import error_code, translated
from chalicelib.store.models import OrgItem, StaffItem, UserItem
from chalicelib.store.notification_models import (
    SEND_QUEUE,
    SHARDS,
    DailyCapItem,
    NotificationItem,
    OrgRulesItem,
    OutboxItem,
    PreferenceItem,
    SuppressionItem,
)
from chalicelib.store.table import TableItem, connection, query_page, to_item_value
from chalicelib.store.unit_of_work import MAX_TRANSACTION_ITEMS, UnitOfWork

OUTBOX_KEEP = timedelta(days=7)  # longer than the stream's 24 h retention: a redelivery always finds it
CAP_KEEP = timedelta(days=2)
FEED_PREFIX = "in_app#"


# -- generic single-item writes -------------------------------------------------------------------


def update_fields(item: TableItem, changes: dict[str, Any], condition: Condition | None = None) -> bool:
    """One UpdateItem of `changes` (None removes) and the index keys derived from them; False when the
    condition does not hold. Not an activity-bearing mutation: these are the outbox's own records."""
    for name, value in changes.items():
        setattr(item, name, to_item_value(value))
    item.refresh_keys()
    names = set(changes) | item.index_attributes_depending_on(set(changes))
    cls = type(item)
    actions = [
        getattr(cls, n).remove() if getattr(item, n) is None else getattr(cls, n).set(getattr(item, n))
        for n in sorted(names)
    ]
    guard = TableItem.pk.exists() if condition is None else TableItem.pk.exists() & condition
    try:
        with translated():
            item.update(actions=actions, condition=guard, add_version_condition=False)
    except UpdateError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _keys_of(item: TableItem) -> tuple[str, str]:
    item.refresh_keys()
    return item.pk, item.sk


# -- the outbox's progress on one event ---------------------------------------------------------


@dataclass
class Progress:
    event_id: str
    state: str  # planned | published | done
    notification_keys: list[tuple[str, str]] = field(default_factory=list)


def outbox_progress(event_id: str) -> Progress | None:
    pk, sk = OutboxItem.key_for(event_id=event_id)
    with translated():
        try:
            item = OutboxItem.get(pk, sk, consistent_read=True)
        except DoesNotExist:
            return None
    keys = [tuple(str(k).split("|", 1)) for k in (item.notifications or [])]
    return Progress(item.event_id, item.state, [(k[0], k[1]) for k in keys])


def write_plan(event_id: str, notifications: list[Notification], now: datetime) -> bool:
    """The event's notifications and its progress marker, all or nothing, each on the condition that it
    does not exist yet. False when the marker already exists (a redelivered event)."""
    items = [NotificationItem.from_entity(n) for n in notifications]
    marker = OutboxItem(
        event_id=event_id,
        state="planned",
        notifications=["|".join(_keys_of(i)) for i in items],
    )
    marker.expires_at = now + OUTBOX_KEEP
    marker.refresh_keys()
    puts = [
        i.get_save_kwargs_from_instance(condition=TableItem.pk.does_not_exist()) for i in [marker, *items]
    ]
    try:
        with translated():
            if len(puts) == 1:
                marker.save(condition=TableItem.pk.does_not_exist())
            elif len(puts) <= MAX_TRANSACTION_ITEMS:
                connection().connection.transact_write_items(
                    condition_check_items=[],
                    delete_items=[],
                    put_items=puts,
                    update_items=[],
                    # botocore's retry of a plan that landed must not read as "already planned"
                    client_request_token=str(uuid.uuid4()),
                )
            else:  # a very large deal: one by one (ids are derived: a retry finds what was written)
                for item in items:
                    _put_once(item)
                marker.save(condition=TableItem.pk.does_not_exist())
    except (TransactWriteError, PutError) as exc:
        reasons = getattr(exc, "cancellation_reasons", None) or []
        if error_code(exc) == "ConditionalCheckFailedException" or any(
            r is not None and r.code == "ConditionalCheckFailed" for r in reasons
        ):
            return False
        raise
    return True


def _put_once(item: TableItem) -> None:
    try:
        item.save(condition=TableItem.pk.does_not_exist())
    except PutError as exc:
        if error_code(exc) != "ConditionalCheckFailedException":
            raise


def set_progress(event_id: str, state: str) -> None:
    item = OutboxItem(event_id=event_id, state=state)
    update_fields(item, {"state": state})


# -- notifications --------------------------------------------------------------------------------


def notification_items(keys: Iterable[tuple[str, str]]) -> list[NotificationItem]:
    wanted = list(keys)
    if not wanted:
        return []
    with translated():
        return [i for i in TableItem.batch_get(wanted) if isinstance(i, NotificationItem)]


def feed_page(
    user_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[Notification], dict[str, Any] | None]:
    """A user's in-app notifications, newest first: one Query."""
    with translated():
        page = query_page(
            NotificationItem.KEY.partition_for(user_id=user_id),
            sort_condition=TableItem.sk.startswith(FEED_PREFIX),
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return [i.to_entity() for i in page.items if isinstance(i, NotificationItem)], page.last_key


def mark_read(user_id: str, notification_id: str, at: datetime) -> None:
    item = NotificationItem(user_id=user_id, channel="in_app", notification_id=notification_id)
    if not update_fields(item, {"read_at": at}, NotificationItem.read_at.does_not_exist()):
        # already read (keep the first read time), or not this user's notification
        pk, sk = _keys_of(item)
        with translated():
            try:
                NotificationItem.get(pk, sk, consistent_read=True)
            except DoesNotExist:
                raise NotFound("notification not found") from None


def claim(item: NotificationItem, now: datetime) -> bool:
    """queued → sent before the provider call: a redelivered event or a second sweep cannot send twice
    (at most once; a crash right after the claim leaves `sent` without a provider id)."""
    attempts = int(item.attempts or 0) + 1
    return update_fields(
        item, {"state": "sent", "sent_at": now, "attempts": attempts}, NotificationItem.state == "queued"
    )


def record_outcome(item: NotificationItem, changes: dict[str, Any]) -> None:
    update_fields(item, changes)


def queued_due(now: datetime) -> Iterator[NotificationItem]:
    """Queued email and SMS whose send time has come, every shard, following pages (a job, not a
    request). The queue is sparse: a notification leaves it when it leaves `queued`."""
    upper = f"{iso(now)}$"  # '$' sorts after '#': every send time ≤ now, whatever id follows
    for shard in range(SHARDS):
        start: dict[str, Any] | None = None
        while True:
            with translated():
                page = query_page(
                    SEND_QUEUE.partition_for(queue_shard=shard),
                    index=schema.GSI3,
                    sort_condition=TableItem.gsi3sk < upper,
                    limit=100,
                    start_key=start,
                )
            yield from (i for i in page.items if isinstance(i, NotificationItem))
            if page.last_key is None:
                break
            start = page.last_key


# -- who the recipients are -----------------------------------------------------------------------


def org_staff(org_id: str) -> list[StaffMembership]:
    """Every staff member of an org: Query GSI1 `ORG#{org}#STAFF` (pages past 1 MB only)."""
    out: list[StaffMembership] = []
    start: dict[str, Any] | None = None
    while True:
        with translated():
            page = query_page(
                StaffItem.INDEXES[schema.GSI1].partition_for(org_id=org_id),
                index=schema.GSI1,
                limit=500,
                start_key=start,
            )
        out += [i.to_entity() for i in page.items if isinstance(i, StaffItem)]
        if page.last_key is None:
            return out
        start = page.last_key


@dataclass
class Recipients:
    """What planning needs about the org and a set of people, from one BatchGetItem."""

    org: Org | None = None
    org_overrides: dict[str, Any] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by user id
    preferences: dict[str, NotificationPreference] = field(default_factory=dict)  # by user id
    suppressed: set[str] = field(default_factory=set)  # email addresses


def load_recipients(org_id: str | None, people: Mapping[str, str | None]) -> Recipients:
    """`people`: user id → email (None: preferences only). The org and its rules, and per person their
    user, preferences and any suppression of their address: one BatchGetItem per 100 keys."""
    keys: list[tuple[str, str]] = []
    if org_id:
        keys += [OrgItem.key_for(org_id=org_id), OrgRulesItem.key_for(org_id=org_id)]
    for user_id, email in people.items():
        keys.append(PreferenceItem.key_for(user_id=user_id))
        if email:
            keys += [UserItem.key_for(email=email), SuppressionItem.key_for(email=email)]
    out = Recipients()
    with translated():
        found = [
            i for start in range(0, len(keys), 100) for i in TableItem.batch_get(keys[start : start + 100])
        ]
    for item in found:
        if isinstance(item, OrgItem):
            out.org = item.to_entity()
        elif isinstance(item, OrgRulesItem):
            out.org_overrides = item.overrides.as_dict() if item.overrides else {}
        elif isinstance(item, UserItem):
            out.users[item.user_id] = item.to_entity()
        elif isinstance(item, PreferenceItem):
            out.preferences[item.user_id] = item.to_entity()
        elif isinstance(item, SuppressionItem):
            out.suppressed.add(item.email)
    return out


# -- preferences, suppression, the daily cap ------------------------------------------------------


def org_rules(org_id: str) -> dict[str, Any]:
    pk, sk = OrgRulesItem.key_for(org_id=org_id)
    with translated():
        try:
            item = OrgRulesItem.get(pk, sk, consistent_read=True)
        except DoesNotExist:
            return {}
    return item.overrides.as_dict() if item.overrides else {}


def stage_org_rules(uow: UnitOfWork, org_id: str, overrides: dict[str, Any], by: str, at: datetime) -> None:
    item = OrgRulesItem(org_id=org_id)
    changes = {"kind": OrgRulesItem, "overrides": overrides, "updated_by": by, "updated_at": at}
    uow.update(item, changes, must_exist=False)  # an upsert: the discriminator is written too


def get_preferences(user_id: str) -> NotificationPreference | None:
    pk, sk = PreferenceItem.key_for(user_id=user_id)
    with translated():
        try:
            return PreferenceItem.get(pk, sk, consistent_read=True).to_entity()
        except DoesNotExist:
            return None


def preference_item(prefs: NotificationPreference) -> PreferenceItem:
    return PreferenceItem.from_entity(prefs)


def suppression_item(email: str, reason: str, at: datetime) -> SuppressionItem:
    return SuppressionItem(email=email, reason=reason, at=iso(at))


def count_send(user_id: str, day: str, cap: int, now: datetime) -> bool:
    """Count one email/SMS for the user's day; False (and nothing counted) once the cap is reached."""
    item = DailyCapItem(user_id=user_id, day=day)
    item.refresh_keys()
    under = DailyCapItem.sends.does_not_exist() | (DailyCapItem.sends < cap)
    try:
        with translated():
            item.update(
                actions=[
                    DailyCapItem.sends.add(1),
                    DailyCapItem.kind.set(DailyCapItem),
                    DailyCapItem.user_id.set(user_id),
                    DailyCapItem.day.set(day),
                    DailyCapItem.expires_at.set(now + CAP_KEEP),
                ],
                condition=under,
                add_version_condition=False,
            )
    except UpdateError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def put_suppression(email: str, reason: str, at: datetime) -> None:
    with translated():
        suppression_item(email, reason, at).save()


def user_by_email(email: str) -> User | None:
    pk, sk = UserItem.key_for(email=email)
    with translated():
        try:
            return UserItem.get(pk, sk).to_entity()
        except DoesNotExist:
            return None


def notification_by_key(user_id: str, channel: str, notification_id: str) -> NotificationItem | None:
    pk, sk = NotificationItem.key_for(user_id=user_id, channel=channel, notification_id=notification_id)
    with translated():
        try:
            return NotificationItem.get(pk, sk, consistent_read=True)
        except DoesNotExist:
            return None


def notification_by_id(notification_id: str) -> NotificationItem | None:
    """Any user's notification by its id alone (ops' resend): one Query of GSI1 `NOTIF#{id}` (eventually
    consistent; every write that depends on it is conditional on the main item)."""
    with translated():
        page = query_page(
            NotificationItem.INDEXES[schema.GSI1].partition_for(notification_id=notification_id),
            index=schema.GSI1,
            limit=1,
            start_key=None,
        )
    found = [i for i in page.items if isinstance(i, NotificationItem)]
    return found[0] if found else None
