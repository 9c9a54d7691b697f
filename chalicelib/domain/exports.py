"""Activity exports: the date range rule and the two file formats (CSV, JSON Lines). No I/O."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.errors import Invalid

MAX_ORG_RANGE_DAYS = 366
PART_BYTES = 5 * 1024 * 1024  # S3's smallest part (all but the last): the export's write buffer
# The parts' ETags are kept on the job item (≤ 400 KB): 2,000 parts of 5 MiB is a 10 GiB file, about
# 16 million events of ~650 bytes — far beyond a year of any org's log. A longer file fails the job.
MAX_PARTS = 2000
# The `export_worker` function (infra/permissions.py reads these): it has 300 s, and a slice stops at the
# first part boundary after 240 s — one more part (≤ 5 MiB read, rendered and uploaded) takes a few seconds
# on AWS — leaving a minute to save, complete and queue the next slice. Its lease outlives the function, so
# a slice still running is never overtaken; the queue hides a message 6 × the timeout (Lambda's advice).
WORKER_TIMEOUT_SECONDS = 300
WORKER_SLICE_SECONDS = 240.0
WORKER_LEASE_SECONDS = WORKER_TIMEOUT_SECONDS + 30
WORKER_MAX_FAILURES = 3  # slices of a job that fail in a row (an error, or the function stopping mid-slice)
DEFAULT_ORG_RANGE_DAYS = 30
EARLIEST = date(1990, 1, 1)
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
COLUMNS = (
    "at",
    "id",
    "type",
    "org_id",
    "deal_id",
    "actor_user_id",
    "actor_label",
    "visibility",
    "subject_user_id",
    "restricted_to",
    "summary",
    "data",
)


@dataclass(frozen=True)
class DateRange:
    """Whole UTC days, both ends included."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, UTC)

    @property
    def end(self) -> datetime:
        """Exclusive."""
        return datetime.combine(self.last + timedelta(days=1), time.min, UTC)

    def months(self) -> list[str]:
        months: list[str] = []
        day = self.first.replace(day=1)
        while day <= self.last:
            months.append(day.strftime("%Y-%m"))
            day = (day + timedelta(days=32)).replace(day=1)
        return months


def org_range(first: date | None, last: date | None, today: date) -> DateRange:
    last = last or today
    first = first or last - timedelta(days=DEFAULT_ORG_RANGE_DAYS - 1)
    found = _checked(first, last)
    if (found.last - found.first).days >= MAX_ORG_RANGE_DAYS:
        raise Invalid(
            f"an org export covers at most {MAX_ORG_RANGE_DAYS} days; split it", code="range_too_long"
        )
    return found


def deal_range(first: date | None, last: date | None, today: date) -> DateRange:
    return _checked(first or EARLIEST, last or today)


def _checked(first: date, last: date) -> DateRange:
    if first > last:
        raise Invalid("`from` must not be after `to`", code="invalid_range")
    return DateRange(first, last)


def row(event: ActivityEvent) -> dict[str, Any]:
    return {
        "at": iso(event.at),
        "id": event.event_id,
        "type": str(event.type),
        "org_id": event.org_id,
        "deal_id": event.deal_id,
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "visibility": event.visibility.value,
        "subject_user_id": event.subject_user_id,
        "restricted_to": list(event.restricted_to),
        "summary": event.summary,
        "data": event.data,
    }


def header(fmt: str) -> bytes:
    """What a file starts with: the CSV header line (JSON Lines has none)."""
    return csv_line(list(COLUMNS)) if fmt == "csv" else b""


def lines(events: Iterable[ActivityEvent], fmt: str) -> bytes:
    """The events as lines of the file, in order: files are written page by page (services/exports.py)."""
    if fmt == "jsonl":
        return "".join(json.dumps(row(e), sort_keys=True, default=str) + "\n" for e in events).encode()
    out = bytearray()
    for event in events:
        values = row(event)
        values["restricted_to"] = " ".join(values["restricted_to"])
        values["data"] = json.dumps(values["data"], sort_keys=True, default=str)
        out += csv_line(["" if values[c] is None else values[c] for c in COLUMNS])
    return bytes(out)


def csv_line(cells: list[Any]) -> bytes:
    """One CSV record: every cell of every export goes through here (the one place to neutralise cells).
    defusedcsv writes a cell a spreadsheet would run as a formula (=, +, -, @, |, %) as text."""
    from defusedcsv import csv  # type: ignore[import-untyped]

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue().encode()


def render(events: Iterable[ActivityEvent], fmt: str) -> bytes:
    """A whole (small) file at once."""
    return header(fmt) + lines(events, fmt)
