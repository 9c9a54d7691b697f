"""Calendar feeds: my private ICS URL (show, rotate, revoke) and the public feed it names
(docs/CALENDAR.md)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib import clock
from chalicelib.api.health import served_from
from chalicelib.api.http import Answer, route
from chalicelib.domain.errors import TooManyRequests
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import calendar_feeds as feeds
    from chalicelib.domain import integration_responses as out
    from chalicelib.domain.access import Caller
    from chalicelib.services import calendar as service
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    feeds = LazyModule("chalicelib.domain.calendar_feeds")
    out = LazyModule("chalicelib.domain.integration_responses")

calendar = Blueprint(__name__)

MINE = "/v1/me/calendar"
ICS = "text/calendar; charset=utf-8"


def _view(issued: service.Issued, request: Request) -> out.CalendarFeedOut:
    return {
        "url": feeds.feed_url(served_from(request), issued.token),
        "created_at": clock.iso(issued.created_at),
    }


@route(calendar, MINE, "GET", summary="My private calendar feed URL (made on first call)")
def get_feed_url(caller: Caller, request: Request) -> out.CalendarFeedOut:
    from chalicelib.services import calendar as service

    return _view(service.current(caller), request)


@route(calendar, MINE + "/rotate", "POST", summary="Replace my calendar feed URL; the old one stops at once")
def rotate_feed_url(caller: Caller, request: Request) -> out.CalendarFeedOut:
    from chalicelib.services import calendar as service

    return _view(service.rotate(caller), request)


@route(calendar, MINE, "DELETE", summary="Revoke my calendar feed URL; it stops at once")
def revoke_feed_url(caller: Caller) -> out.CalendarFeedRevoked:
    from chalicelib.services import calendar as service

    return {"revoked": service.revoke(caller)}


class FeedLimiter:
    """A small per-instance limit on fetches of one feed URL (calendar apps poll every 15 minutes to a few
    hours): a leaked or misconfigured URL cannot hammer the table through one warm Lambda instance, and it
    costs no write. Keyed by the URL's hash, never the URL. API Gateway's throttling of this route
    (infra/functions.py) is the stage-wide limit, which also bounds guessing (hopeless anyway: 256 bits)."""

    def __init__(self, limit: int, window_seconds: float, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) >= self.max_keys and key not in self._seen:
                self._seen.clear()  # bounded memory: forget everyone rather than grow
            hits = self._seen.setdefault(key, deque())
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


FEED_LIMIT = FeedLimiter(limit=30, window_seconds=60)


@route(
    calendar,
    "/v1/calendar/{token}",
    "GET",
    summary="A calendar feed (RFC 5545), by its private URL",
    auth=False,
)
def get_feed(token: str) -> Answer[str]:
    from chalicelib.services import calendar as service

    if not FEED_LIMIT.allow(hashlib.sha256(token.encode()).hexdigest()):
        raise TooManyRequests("too many calendar fetches; try again in a minute", code="too_many_requests")
    body = service.feed(token).decode("utf-8")
    return Answer(body, headers={"Content-Type": ICS})
