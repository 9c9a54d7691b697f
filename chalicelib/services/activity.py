"""Activity events: how they are built, and how a deal's log is read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain.access import Action, Caller, DealAccess
from chalicelib.domain.entities import ActivityEvent, Actor, Deal
from chalicelib.domain.events import EventType, spec
from chalicelib.domain.roles import Visibility
from chalicelib.services.access import deal_header_access
from chalicelib.store import activity as activity_store
from chalicelib.store import cursors


def deal_event(
    deal: Deal,
    actor: Actor,
    type: EventType,
    summary: str,
    *,
    visibility: Visibility = Visibility.PARTIES,
    restricted_to: Iterable[str] = (),  # the users it is about: they see it even where their role would not
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ActivityEvent:
    return event_on_deal(
        deal.org_id,
        deal.deal_id,
        actor,
        type,
        summary,
        visibility=visibility,
        restricted_to=restricted_to,
        data=data,
        at=at,
    )


def event_on_deal(
    org_id: str,
    deal_id: str,
    actor: Actor,
    type: EventType,
    summary: str,
    *,
    visibility: Visibility = Visibility.PARTIES,
    restricted_to: Iterable[str] = (),
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> ActivityEvent:
    """A deal's event from its ids alone (the reminder sweep, which reads no deal)."""
    return ActivityEvent(
        event_id=ids.new_id("ev"),
        type=type,
        at=at or clock.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        visibility=visibility,
        summary=summary,
        org_id=org_id,
        deal_id=deal_id,
        restricted_to=sorted(set(restricted_to)),
        data=_checked(type, data),
    )


def user_event(
    user_id: str,
    actor: Actor,
    type: EventType,
    summary: str,
    *,
    org_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> ActivityEvent:
    """An event about a user rather than a deal (registration, deactivation): staff-only. With an
    org it lands in that org's log, otherwise in the user's own."""
    return ActivityEvent(
        event_id=ids.new_id("ev"),
        type=type,
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        visibility=Visibility.INTERNAL,
        summary=summary,
        org_id=org_id,
        subject_user_id=user_id,
        data=_checked(type, data),
    )


def org_event(
    org_id: str,
    actor: Actor,
    type: EventType,
    summary: str,
    *,
    data: dict[str, Any] | None = None,
) -> ActivityEvent:
    """An event about an org as a whole (set-up, exports, bulk changes): staff-only."""
    return ActivityEvent(
        event_id=ids.new_id("ev"),
        type=type,
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        visibility=Visibility.INTERNAL,
        summary=summary,
        org_id=org_id,
        data=_checked(type, data),
    )


def _checked(event_type: EventType, data: dict[str, Any] | None) -> dict[str, Any]:
    """Every event carries the data keys its catalog entry promises (the outbox and docs rely on it)."""
    data = data or {}
    missing = [key for key in spec(event_type).data if key not in data]
    if missing:
        raise ValueError(f"{event_type} events need data {missing}")
    return data


def deal_activity(
    caller: Caller, deal_id: str, *, limit: int, cursor: str | None
) -> tuple[list[ActivityEvent], str | None, DealAccess]:
    _, _, access = deal_header_access(caller, deal_id)
    access.require(Action.VIEW_DEAL)
    scope = f"activity:{deal_id}:{caller.user_id}"
    events, last_key = activity_store.deal_page(
        deal_id, access, limit=limit, start=cursors.decode(scope, cursor)
    )
    return events, cursors.encode(scope, last_key), access
