"""A user's notifications: preferences, the in-app feed and its read markers, the unsubscribe link."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain import notification_rules as rules
from chalicelib.domain.access import Caller, require_admin, require_ops
from chalicelib.domain.entities import Actor, Notification, NotificationPreference
from chalicelib.domain.errors import Invalid, NotFound, PreconditionFailed
from chalicelib.domain.events import Category, EventType
from chalicelib.domain.notifications import Channel, known_time_zones
from chalicelib.services.activity import org_event, user_event
from chalicelib.services.delivery import user_of_token
from chalicelib.store import cursors
from chalicelib.store import notifications as store
from chalicelib.store.unit_of_work import UnitOfWork
from chalicelib.store.users import user_by_id

if TYPE_CHECKING:
    from chalicelib.domain.commands import ChannelSwitches, NotificationRulesIn, PreferencesPatch

NOTIFIED_CATEGORIES = frozenset(c.value for c in Category if c is not Category.AUDIT)


def preferences(caller: Caller) -> NotificationPreference | None:
    return store.get_preferences(caller.user_id)


def update_preferences(caller: Caller, patch: PreferencesPatch) -> NotificationPreference:
    """Merge the keys sent into the stored preferences: one conditional write with its activity event
    (two concurrent updates cannot lose each other's keys: the second one is a 409)."""
    before = store.get_preferences(caller.user_id)
    current = before or NotificationPreference(user_id=caller.user_id, updated_at=clock.now(), version=0)
    after = _merged(current, patch)
    changed = sorted(patch.model_fields_set)
    after = dataclasses.replace(after, updated_at=clock.now(), version=current.version + 1)
    _save(
        caller.actor,
        before,
        after,
        EventType.PREFERENCES_CHANGED,
        "Changed notification preferences",
        changed,
    )
    return after


def _merged(current: NotificationPreference, patch: PreferencesPatch) -> NotificationPreference:
    sent = patch.model_fields_set
    out = dataclasses.replace(current, channels=dict(current.channels), categories=dict(current.categories))
    if "time_zone" in sent:
        if patch.time_zone is not None and patch.time_zone not in known_time_zones():
            raise Invalid(
                f"'{patch.time_zone}' is not an IANA time zone (e.g. America/Chicago)",
                code="unknown_time_zone",
            )
        out.time_zone = patch.time_zone
    if "quiet_hours" in sent:
        out.quiet_start = patch.quiet_hours.start if patch.quiet_hours else None
        out.quiet_end = patch.quiet_hours.end if patch.quiet_hours else None
    if "digest" in sent and patch.digest is not None:
        out.digest = patch.digest
    if patch.channels is not None:
        out.channels.update(_switches(patch.channels))
    for category, switches in (patch.categories or {}).items():
        if category not in NOTIFIED_CATEGORIES:
            raise Invalid(
                f"'{category}' is not a notification category",
                code="unknown_category",
                details={"known": sorted(NOTIFIED_CATEGORIES)},
            )
        out.categories[category] = {**out.categories.get(category, {}), **_switches(switches)}
    return out


def _switches(switches: ChannelSwitches) -> dict[str, bool]:
    return {c.value: v for c in Channel if (v := getattr(switches, c.value)) is not None}


def _save(
    actor: Actor,
    before: NotificationPreference | None,
    after: NotificationPreference,
    kind: EventType,
    summary: str,
    changed: list[str],
) -> None:
    uow = UnitOfWork()
    stale = PreconditionFailed("your preferences changed at the same moment; reload and try again")
    item = store.preference_item(after)
    if before is None:
        uow.create(item, on_exists=stale)
    else:
        fields = {f.name: getattr(after, f.name) for f in dataclasses.fields(after) if f.name != "version"}
        uow.update(store.preference_item(before), fields, expected_version=before.version, on_fail=stale)
    data: dict[str, Any] = (
        {"changes": changed} if kind is EventType.PREFERENCES_CHANGED else {"channel": "email"}
    )
    uow.record(user_event(after.user_id, actor, kind, summary, data=data))
    uow.commit()


def unsubscribe(token: str) -> str:
    """The link in every email: no login, the HMAC token names the user. Email stops at once (a queued
    digest is re-checked before it goes). Unsubscribing twice is not an error."""
    user_id = user_of_token(token)
    user = user_by_id(user_id) if user_id and ids.looks_like("u", user_id) else None
    if user is None:
        raise NotFound("this unsubscribe link is not valid", code="invalid_link")
    before = store.get_preferences(user.user_id)
    if before is not None and before.channels.get(Channel.EMAIL.value) is False:
        return user.user_id
    current = before or NotificationPreference(user_id=user.user_id, updated_at=clock.now(), version=0)
    after = dataclasses.replace(
        current,
        channels={**current.channels, Channel.EMAIL.value: False},
        updated_at=clock.now(),
        version=current.version + 1,
    )
    actor = Actor(user.user_id, "unsubscribe link")
    _save(actor, before, after, EventType.EMAIL_UNSUBSCRIBED, "Unsubscribed from email", ["channels"])
    return user.user_id


def feed(caller: Caller, *, limit: int, cursor: str | None) -> tuple[list[Notification], str | None]:
    scope = f"notifications:{caller.user_id}"
    items, last_key = store.feed_page(caller.user_id, limit=limit, start=cursors.decode(scope, cursor))
    return items, cursors.encode(scope, last_key)


def mark_read(caller: Caller, notification_id: str) -> dict[str, Any]:
    """A read marker is the reader's own UI state, not a change to the deal: one conditional write,
    no activity event. Marking twice keeps the first time."""
    if not ids.looks_like("nt", notification_id):
        raise NotFound("notification not found")
    at = clock.now()
    store.mark_read(caller.user_id, notification_id, at)
    return {"id": notification_id, "read": True}


def org_rules(caller: Caller, org_id: str) -> dict[str, Any]:
    require_ops(caller, org_id)
    return store.org_rules(org_id)


def set_org_rules(caller: Caller, org_id: str, command: NotificationRulesIn) -> dict[str, Any]:
    """An admin tunes the org's rules: which channels each recipient group gets for an event type.
    Visibility and audiences are not tunable; audit events notify nobody whatever is set."""
    require_admin(caller, org_id)
    unknown = sorted(k for k in command.overrides if rules.rule_for(k, None) is None)
    if unknown:
        raise Invalid(
            "these event types notify nobody and cannot be tuned",
            code="unknown_event_type",
            details={"unknown": unknown, "tunable": sorted(t.value for t in rules.DEFAULT_RULES)},
        )
    overrides = {k: {g: sorted(set(c)) for g, c in v.items()} for k, v in command.overrides.items() if v}
    uow = UnitOfWork()
    store.stage_org_rules(uow, org_id, overrides, caller.user_id, clock.now())
    uow.record(
        org_event(
            org_id,
            caller.actor,
            EventType.NOTIFICATION_RULES_CHANGED,
            "Changed the notification rules",
            data={"overrides": overrides},
        )
    )
    uow.commit()
    return overrides
