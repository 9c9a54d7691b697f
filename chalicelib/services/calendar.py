"""Calendar feeds: a person's private ICS URL (show, rotate, revoke) and the feed it serves
(docs/CALENDAR.md)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain.access import Caller, resolve_access
from chalicelib.domain.calendar_feeds import (
    MAX_FEED_DEALS,
    CalendarFeed,
    FeedToken,
    feed_token,
    new_nonce,
    token_from_path,
    token_hash,
)
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import UserStatus
from chalicelib.services.activity import user_event
from chalicelib.store import calendar_feeds as store
from chalicelib.store import deals as deal_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

NOT_FOUND = "calendar feed not found"


@dataclasses.dataclass(frozen=True)
class Issued:
    token: str
    created_at: datetime


def _token_of(feed: CalendarFeed) -> Issued | None:
    if feed.nonce is None or feed.created_at is None:
        return None
    return Issued(feed_token(settings().cursor_secret, feed.user_id, feed.nonce), feed.created_at)


def current(caller: Caller) -> Issued:
    """The caller's feed token, made on first use: one GetItem once it exists."""
    feed = store.get_feed(caller.user_id)
    issued = _token_of(feed) if feed is not None else None
    if issued is not None:
        return issued
    try:
        return _issue(caller, feed, EventType.CALENDAR_FEED_ISSUED, "Created a calendar feed URL")
    except Conflict:  # a concurrent first call made it a moment ago: show that one
        again = store.get_feed(caller.user_id)
        issued = _token_of(again) if again is not None else None
        if issued is None:
            raise
        return issued


def rotate(caller: Caller) -> Issued:
    """A new URL; the old one is refused from its next fetch on (same transaction)."""
    feed = store.get_feed(caller.user_id)
    return _issue(caller, feed, EventType.CALENDAR_FEED_ROTATED, "Replaced the calendar feed URL")


def revoke(caller: Caller) -> bool:
    feed = store.get_feed(caller.user_id)
    if feed is None or feed.token_hash is None:
        return False
    now = clock.now()
    uow = UnitOfWork()
    store.replace_feed(uow, feed, dataclasses.replace(feed, nonce=None, token_hash=None, created_at=None))
    _revoke_old(uow, feed, now)
    uow.record(
        user_event(
            caller.user_id, caller.actor, EventType.CALENDAR_FEED_REVOKED, "Revoked the calendar feed URL"
        )
    )
    uow.commit()
    return True


def _issue(caller: Caller, feed: CalendarFeed | None, event: EventType, summary: str) -> Issued:
    now = clock.now()
    nonce = new_nonce()
    token = feed_token(settings().cursor_secret, caller.user_id, nonce)
    base = feed or CalendarFeed(user_id=caller.user_id, email=caller.user.email)
    after = dataclasses.replace(base, nonce=nonce, token_hash=token_hash(token), created_at=now)
    uow = UnitOfWork()
    store.replace_feed(uow, feed, after)
    if feed is not None:
        _revoke_old(uow, feed, now)
    store.add_token(
        uow,
        FeedToken(
            token_hash=token_hash(token), user_id=caller.user_id, email=caller.user.email, created_at=now
        ),
    )
    uow.record(user_event(caller.user_id, caller.actor, event, summary))
    uow.commit()
    return Issued(token, now)


def _revoke_old(uow: UnitOfWork, feed: CalendarFeed, now: datetime) -> None:
    if feed.token_hash is None or feed.created_at is None:
        return
    old = FeedToken(
        token_hash=feed.token_hash, user_id=feed.user_id, email=feed.email, created_at=feed.created_at
    )
    store.revoke_token(uow, old, now)


def feed(segment: str) -> bytes:
    """The ICS of the person the URL belongs to. Reads: one GetItem (the token), one Query (the person and
    their staff roles: a deactivated person's feed stops), one Query (their deals, newest activity first,
    at most MAX_FEED_DEALS) and one Query per deal (its workspace). Anything wrong is the same 404."""
    from chalicelib.domain import calendar_ics  # icalendar loads with the first feed, not at cold start

    token = token_from_path(segment)
    found = store.get_token(token_hash(token)) if token is not None else None
    if found is None or found.revoked_at is not None:
        raise NotFound(NOT_FOUND)
    user, staff = user_store.load_principal(found.email)
    if user is None or user.user_id != found.user_id or user.status is not UserStatus.ACTIVE:
        raise NotFound(NOT_FOUND)
    person = Caller(user=user, staff=tuple(staff))
    summaries = deal_store.user_feed_page(user.user_id, limit=MAX_FEED_DEALS, start=None).items
    deals = []
    for summary in summaries:
        ws = deal_store.load_workspace(summary.deal_id)
        access = resolve_access(person, ws.deal, ws.parties) if ws is not None else None
        if ws is not None and access is not None:
            deals.append((ws, access))
    return calendar_ics.build(deals, clock.now())
