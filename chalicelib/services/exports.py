"""Activity exports: a deal's or an org's log for a date range, as CSV or JSON Lines, in S3, handed back as
a presigned link. The export itself is logged (`activity.exported`), after the file is written and before
the link is handed out, so no link exists for an export the log does not show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain import exports as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.entities import ActivityEvent, Actor, Deal
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import OPS, Visibility
from chalicelib.observability import metrics
from chalicelib.services.access import deal_header_access
from chalicelib.services.activity import deal_event, org_event
from chalicelib.services.pipeline import ops_org
from chalicelib.store import exports as export_store
from chalicelib.store.unit_of_work import UnitOfWork

API_MAX_EVENTS = 50_000  # what one API call (29 s behind API Gateway) exports; the runbook goes further
LINK_SECONDS = 3600  # one hour: long enough to download a large file on a slow line (docs/ADMIN.md)


@dataclass(frozen=True)
class Export:
    export_id: str
    key: str
    url: str
    expires_at: datetime
    format: str
    span: rules.DateRange
    count: int


def export_deal(caller: Caller, deal_id: str, fmt: str, first: date | None, last: date | None) -> Export:
    deal, _, access = deal_header_access(caller, deal_id)
    if access.capacity not in OPS:
        raise Forbidden("exports are for admins and coordinators")
    span = rules.deal_range(first, last, clock.now().date())
    return export_deal_as(caller.actor, deal, fmt, span, limit=API_MAX_EVENTS)


def export_org(caller: Caller, org_id: str | None, fmt: str, first: date | None, last: date | None) -> Export:
    org = ops_org(caller, org_id)
    span = rules.org_range(first, last, clock.now().date())
    return export_org_as(caller.actor, org, fmt, span, limit=API_MAX_EVENTS)


def export_deal_as(actor: Actor, deal: Deal, fmt: str, span: rules.DateRange, *, limit: int) -> Export:
    events = export_store.deal_events(deal.deal_id, span, limit=limit)

    def logged(data: dict[str, Any]) -> ActivityEvent:
        return deal_event(
            deal,
            actor,
            EventType.ACTIVITY_EXPORTED,
            f"{actor.label} exported {len(events)} events of the deal's log",
            visibility=Visibility.INTERNAL,
            data=data,
        )

    return _write(deal.org_id, f"deal-{deal.deal_id}", events, fmt, span, logged)


def export_org_as(actor: Actor, org_id: str, fmt: str, span: rules.DateRange, *, limit: int) -> Export:
    events = export_store.org_events(org_id, span, limit=limit)

    def logged(data: dict[str, Any]) -> ActivityEvent:
        return org_event(
            org_id,
            actor,
            EventType.ACTIVITY_EXPORTED,
            f"{actor.label} exported {len(events)} events of the organization's log",
            data=data,
        )

    return _write(org_id, "org", events, fmt, span, logged)


def _write(
    org_id: str,
    what: str,
    events: list[ActivityEvent],
    fmt: str,
    span: rules.DateRange,
    logged: Callable[[dict[str, Any]], ActivityEvent],
) -> Export:
    export_id = ids.new_id("ex")
    file_name = f"activity-{what}-{span.first.isoformat()}-{span.last.isoformat()}.{fmt}"
    key = f"{export_store.PREFIX}{org_id}/{export_id}/{file_name}"
    export_store.put_file(key, rules.render(events, fmt), rules.CONTENT_TYPES[fmt], file_name)
    uow = UnitOfWork()
    uow.record(
        logged(
            {
                "format": fmt,
                "from": span.first.isoformat(),
                "to": span.last.isoformat(),
                "count": len(events),
                "export_id": export_id,
                "key": key,
            }
        )
    )
    uow.commit()
    metrics.add_metric(name="ActivityExports", unit="Count", value=1)
    url = export_store.presigned_get(key, LINK_SECONDS)
    return Export(export_id, key, url, clock.now() + timedelta(seconds=LINK_SECONDS), fmt, span, len(events))
