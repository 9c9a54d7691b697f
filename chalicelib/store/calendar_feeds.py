"""Calendar feeds in the table (keys: store/integration_models.py; docs/CALENDAR.md)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.calendar_feeds import CalendarFeed, FeedToken
from chalicelib.domain.errors import Conflict
from chalicelib.store.errors import translated
from chalicelib.store.integration_models import CalendarFeedItem, FeedTokenItem
from chalicelib.store.unit_of_work import UnitOfWork, already_exists


def get_feed(user_id: str) -> CalendarFeed | None:
    key = CalendarFeedItem.key_for(user_id=user_id)
    with translated():
        try:
            return CalendarFeedItem.get(key[0], key[1], consistent_read=True).to_entity()
        except DoesNotExist:
            return None


def get_token(token_hash: str) -> FeedToken | None:
    """One strongly consistent GetItem: a rotated or revoked URL is refused from the next fetch on."""
    key = FeedTokenItem.key_for(token_hash=token_hash)
    with translated():
        try:
            return FeedTokenItem.get(key[0], key[1], consistent_read=True).to_entity()
        except DoesNotExist:
            return None


def replace_feed(uow: UnitOfWork, before: CalendarFeed | None, after: CalendarFeed) -> None:
    """The person's feed record: created on first use, else replaced if still at the version read (two
    rotations at once: one wins, the other is a 409 and changes nothing)."""
    if before is None:
        uow.create(
            CalendarFeedItem.from_entity(after), on_exists=Conflict("the calendar feed changed meanwhile")
        )
        return
    uow.update(
        CalendarFeedItem.from_entity(before),
        {
            "nonce": after.nonce,
            "token_hash": after.token_hash,
            "created_at": after.created_at,
            "version": before.version + 1,
        },
        expected_version=before.version,
        on_fail=Conflict("the calendar feed changed meanwhile"),
    )


def add_token(uow: UnitOfWork, token: FeedToken) -> None:
    uow.create(FeedTokenItem.from_entity(token), on_exists=already_exists("this calendar feed token"))


def revoke_token(uow: UnitOfWork, token: FeedToken, at: datetime) -> None:
    revoked = dataclasses.replace(token, revoked_at=at)
    uow.update(FeedTokenItem.from_entity(token), {"revoked_at": revoked.revoked_at})
