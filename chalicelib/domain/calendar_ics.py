"""One person's calendar feed as RFC 5545, built with `icalendar` (docs/CALENDAR.md).

Time zones: a due time is written in its deal's zone (`DTSTART;TZID=America/New_York:…`) with that zone's
VTIMEZONE in the calendar, rather than in UTC: a 5 PM Eastern closing deadline then reads 5 PM Eastern in
any calendar app, and stays 5 PM across a daylight-saving change between now and then, as the deal meant
it. Key dates are dates, so they are all-day events (VALUE=DATE), the same day everywhere.

Stable UIDs (`keydate-<deal>-<name>@threshold`, `task-<id>@threshold`, `docreq-<id>@threshold`) with
SEQUENCE (the record's version) and LAST-MODIFIED (the deal's last activity) let a subscribed calendar
replace an item when it changes instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain import workflows
from chalicelib.domain.access import DealAccess
from chalicelib.domain.calendar_feeds import CLOSED_ITEMS_KEPT_DAYS
from chalicelib.domain.entities import Deal, DocumentRequest, Task
from chalicelib.domain.roles import Capacity
from chalicelib.domain.views import Workspace, request_visible, task_visible

PRODID = "-//Threshold//Deal calendar//EN"
UID_DOMAIN = "threshold"
OPEN_REQUEST_STATUSES = frozenset({"requested", "rejected"})


def build(deals: Iterable[tuple[Workspace, DealAccess]], now: datetime) -> bytes:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Threshold deals")
    moments = [now]
    for ws, access in deals:
        for event in _events(ws, access, now):
            calendar.add_component(event)
            start = event.get("dtstart").dt
            if isinstance(start, datetime):
                moments.append(start)
    # each zone's VTIMEZONE covers the feed's own span (icalendar writes every transition in it), rather
    # than its default 1970–2038: smaller, and right for a deadline past 2038 too
    calendar.add_missing_timezones(
        first_date=min(moments).date() - timedelta(days=366),
        last_date=max(moments).date() + timedelta(days=366),
    )
    return bytes(calendar.to_ical())


def _events(ws: Workspace, access: DealAccess, now: datetime) -> list[Any]:
    deal = ws.deal
    recent = now - deal.last_activity_at <= timedelta(days=CLOSED_ITEMS_KEPT_DAYS)
    template = workflows.pinned(deal.workflow, deal.template_version)
    stage = template.stage(deal.stage)
    events = []
    if access.capacity is not Capacity.VENDOR or deal.workflow == "maintenance":
        labels = {k.name: k.label for k in template.key_dates}
        for name, day in sorted(deal.key_dates.items()):
            events.append(_key_date(deal, name, labels.get(name, name.replace("_", " ")), day, stage.exit))
    for task in ws.tasks:
        if task.owner_user_id != access.user_id or task.due_at is None or not task_visible(task, access):
            continue
        is_open = task.status == "open"
        if is_open or recent:
            events.append(_task(deal, task, cancelled=not is_open))
    for request in ws.document_requests:
        mine = access.user_id in request.target_user_ids
        if not mine or request.due_at is None or not request_visible(request, access):
            continue
        is_open = request.status in OPEN_REQUEST_STATUSES
        if is_open or recent:
            events.append(_request(deal, request, cancelled=not is_open))
    return events


def _base(uid: str, summary: str, deal: Deal, sequence: int, cancelled: bool) -> Any:
    from icalendar import Event

    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("summary", summary)
    event.add("dtstamp", deal.last_activity_at)
    event.add("last-modified", deal.last_activity_at)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return event


def _key_date(deal: Deal, name: str, label: str, day: date, deal_exited: bool) -> Any:
    event = _base(f"keydate-{deal.deal_id}-{name}", f"{label}: {deal.title}", deal, deal.version, deal_exited)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("categories", ["Key date"])
    return event


def _due(deal: Deal, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(deal.time_zone))


def _task(deal: Deal, task: Task, *, cancelled: bool) -> Any:
    event = _base(f"task-{task.task_id}", f"Task: {task.title} ({deal.title})", deal, task.version, cancelled)
    assert task.due_at is not None
    event.add("dtstart", _due(deal, task.due_at))
    event.add("categories", ["Task"])
    return event


def _request(deal: Deal, request: DocumentRequest, *, cancelled: bool) -> Any:
    summary = f"Upload: {request.label} ({deal.title})"
    event = _base(f"docreq-{request.request_id}", summary, deal, request.version, cancelled)
    assert request.due_at is not None
    event.add("dtstart", _due(deal, request.due_at))
    event.add("categories", ["Document request"])
    return event
