"""The admin panel's change requests: an org's open requests (oldest first) and time to decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.domain.access import Caller
from chalicelib.domain.change_request_reports import queue_row, time_to_decision
from chalicelib.services.pipeline import ops_org
from chalicelib.store import change_requests as cr_store
from chalicelib.store import cursors

DEFAULT_WINDOW_DAYS = 30


def open_requests(caller: Caller, org_id: str | None, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """One Query per page of the org's sparse open-requests index."""
    org = ops_org(caller, org_id)
    scope = f"open-change-requests:{org}"
    found, last_key = cr_store.org_open_page(org, limit=limit, start=cursors.decode(scope, cursor))
    now = clock.now()
    return {"items": [queue_row(cr, now) for cr in found], "next_cursor": cursors.encode(scope, last_key)}


def decision_report(
    caller: Caller, org_id: str | None, first: date | None, last: date | None
) -> dict[str, Any]:
    """Requests decided between `first` and `last` (inclusive; default the last 30 days)."""
    org = ops_org(caller, org_id)
    now = clock.now()
    last = last or now.date()
    first = first or last - timedelta(days=DEFAULT_WINDOW_DAYS)
    since = clock.iso(datetime.combine(first, time.min, UTC))
    until = clock.iso(datetime.combine(last + timedelta(days=1), time.min, UTC))
    return {
        "report": "change-requests",
        "org_id": org,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "generated_at": clock.iso(now),
        "rows": time_to_decision(cr_store.org_decided(org, since, until)),
    }
