"""Calendar feeds: each person's private ICS URL and what it carries (docs/CALENDAR.md).

The URL's token is derived, never stored: HMAC-SHA256 of the person's id and a random nonce under the
server's secret. The table keeps the nonce (so `GET /v1/me/calendar` can show the URL again) and the
token's SHA-256 (what the public feed route looks up); neither is the token. Rotating draws a new nonce.

What the feed holds, for one person, per deal they are an active party to (built in calendar_ics.py):
- the deal's key dates, all-day (they are dates) — not for a vendor, as in the workspace;
- their own tasks (owner) and their own document requests (targeted at them) that have a due time and
  that they may see (§1: a client never sees an internal task);
- items closed lately (done, cancelled, approved...) as STATUS:CANCELLED, so a calendar that merges
  rather than replaces drops them; after CLOSED_ITEMS_KEPT_DAYS of quiet on the deal they leave the feed.
Never another party's contact details: no names, emails or phones of anyone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

FEED_SUFFIX = ".ics"
CLOSED_ITEMS_KEPT_DAYS = 30
MAX_FEED_DEALS = 25  # the person's deals with the newest activity: bounds the feed's Queries
FEED_PATH = "/v1/calendar/"


@dataclass
class CalendarFeed:
    """A person's current feed (None nonce/hash: none, or revoked)."""

    user_id: str
    email: str
    version: int = 1
    nonce: str | None = None
    token_hash: str | None = None
    created_at: datetime | None = None


@dataclass
class FeedToken:
    """A feed URL's token by hash: whose feed it opens, and whether it still does."""

    token_hash: str
    user_id: str
    email: str
    created_at: datetime
    revoked_at: datetime | None = None


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def feed_token(secret: str, user_id: str, nonce: str) -> str:
    """The URL's token: 256 bits, URL-safe, reproducible from the nonce and the server's secret."""
    mac = hmac.new(secret.encode(), f"calendar-feed\n{user_id}\n{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_from_path(segment: str) -> str | None:
    """`<token>.ics` (or a bare token) → the token; anything that cannot be one → None (a 404)."""
    token = segment.removesuffix(FEED_SUFFIX)
    if not 20 <= len(token) <= 64 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in token):
        return None
    return token


def feed_url(base_url: str | None, token: str) -> str:
    return f"{base_url or ''}{FEED_PATH}{token}{FEED_SUFFIX}"
