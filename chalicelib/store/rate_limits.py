"""Fixed-window rate limits as counters in the table: one conditional UpdateItem (ADD 1) per key and
request, refused once the window's count reaches the limit; each window's item expires by TTL.

The scope is hashed (an IP address or an email is never stored in the clear)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.store.errors import translated
from chalicelib.store.intake_models import RateLimitItem


def hit(scope: str, *, limit: int, window_seconds: int, now: datetime) -> int | None:
    """Count one request against `scope`; None if it is within the limit, else the seconds until the
    window ends (a Retry-After)."""
    started = int(now.timestamp()) // window_seconds * window_seconds
    digest = hashlib.sha256(scope.encode()).hexdigest()[:32]
    item = RateLimitItem(scope=digest, window=str(started))
    item.refresh_keys()
    ends = datetime.fromtimestamp(started + window_seconds, tz=now.tzinfo)
    try:
        with translated():
            item.update(
                actions=[
                    RateLimitItem.hits.add(1),
                    RateLimitItem.kind.set(RateLimitItem),
                    RateLimitItem.scope.set(digest),
                    RateLimitItem.window.set(str(started)),
                    RateLimitItem.expires_at.set(ends + timedelta(hours=1)),
                ],
                condition=RateLimitItem.hits.does_not_exist() | (RateLimitItem.hits < limit),
            )
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return max(1, int((ends - now).total_seconds()) + 1)
    return None
