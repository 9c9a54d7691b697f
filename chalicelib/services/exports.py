"""Activity exports: a deal's or an org's log for a date range, as CSV or JSON Lines, in S3, handed back as
a presigned link — streamed page by page, with memory bounded whatever the size (docs/ADMIN.md).

Every export is a job (`store/exports.py: ExportJobItem`). Work happens in *slices*: read a page of the log,
render it, append it to a buffer; when the buffer reaches 5 MiB it becomes the next part of an S3 multipart
upload and the job saves its position. A slice stops at the first part boundary after its time budget, or
at the end of the range: then the last part is uploaded (or, for a file under 5 MiB, one PUT), the upload
completed, and the job marked ready in the same transaction as its `activity.exported` event — so no link
exists for an export the log does not show. The link itself is presigned on each read of a ready job.

Who runs the slices: the POST runs the first (a small export is ready in its answer, 201); each
`GET /v1/admin/exports/{id}` of a running job runs the next (202 while running); the console runbook runs
slices until done or its own time is nearly up.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib import clock, ids
from chalicelib.domain import exports as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.entities import ActivityEvent, Actor, Deal
from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import OPS, Visibility
from chalicelib.observability import metrics
from chalicelib.services.access import deal_header_access
from chalicelib.services.activity import event_on_deal, org_event
from chalicelib.services.pipeline import ops_org
from chalicelib.store import exports as export_store
from chalicelib.store.exports import ExportJobItem, Position
from chalicelib.store.unit_of_work import UnitOfWork

LINK_SECONDS = 3600  # one hour: long enough to download a large file on a slow line (docs/ADMIN.md)
PART_BYTES = 5 * 1024 * 1024  # S3's smallest part (all but the last)
# The API function has 10 s: a slice stops at the first part boundary after 5 s — reading and uploading
# one more part (≤ 5 MiB + one page) takes well under a second on AWS — leaving room for the answer.
SLICE_SECONDS = 5.0
LEASE_SECONDS = 15  # longer than any slice: a slice that dies frees the job for the next poll
JOB_DAYS = 30


@dataclass(frozen=True)
class Export:
    export_id: str
    status: str  # running | ready
    format: str
    span: rules.DateRange
    count: int  # events written so far (all of them once ready)
    bytes: int
    parts: int
    key: str
    url: str | None = None
    expires_at: datetime | None = None

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def export_deal(caller: Caller, deal_id: str, fmt: str, first: date | None, last: date | None) -> Export:
    deal, _, access = deal_header_access(caller, deal_id)
    if access.capacity not in OPS:
        raise Forbidden("exports are for admins and coordinators")
    span = rules.deal_range(first, last, clock.now().date())
    return run_slice(start(caller.actor, deal.org_id, deal, fmt, span), SLICE_SECONDS)


def export_org(caller: Caller, org_id: str | None, fmt: str, first: date | None, last: date | None) -> Export:
    org = ops_org(caller, org_id)
    span = rules.org_range(first, last, clock.now().date())
    return run_slice(start(caller.actor, org, None, fmt, span), SLICE_SECONDS)


def export_status(caller: Caller, export_id: str, org_id: str | None) -> Export:
    """A job of the caller's org: a running one does its next slice first."""
    job = export_store.load_job(export_id) if ids.looks_like("ex", export_id) else None
    if job is None or job.org_id != ops_org(caller, org_id or job.org_id):
        raise NotFound("export not found")
    return run_slice(job, SLICE_SECONDS) if job.status == "running" else _view(job)


def start(actor: Actor, org_id: str, deal: Deal | None, fmt: str, span: rules.DateRange) -> ExportJobItem:
    export_id = ids.new_id("ex")
    what = f"deal-{deal.deal_id}" if deal else "org"
    file_name = f"activity-{what}-{span.first.isoformat()}-{span.last.isoformat()}.{fmt}"
    now = clock.now()
    job = ExportJobItem(
        export_id=export_id,
        org_id=org_id,
        deal_id=deal.deal_id if deal else None,
        format=fmt,
        first=span.first.isoformat(),
        last=span.last.isoformat(),
        s3_key=f"{export_store.PREFIX}{org_id}/{export_id}/{file_name}",
        file_name=file_name,
        status="running",
        created_at=clock.iso(now),
        created_by=actor.user_id,
        created_by_label=actor.label,
    )
    job.expires_at = now + timedelta(days=JOB_DAYS)
    export_store.new_job(job)
    return job


def run_slice(job: ExportJobItem, budget_seconds: float) -> Export:
    """Advance the job by one slice (if no other slice holds it) and answer where it stands."""
    lease = uuid.uuid4().hex
    now = clock.now()
    if not export_store.claim(job, lease, now, now + timedelta(seconds=LEASE_SECONDS)):
        return _view(export_store.load_job(job.export_id) or job)
    _Slice(job, lease, time.monotonic() + budget_seconds).run()
    return _view(job)


def _span(job: ExportJobItem) -> rules.DateRange:
    return rules.DateRange(date.fromisoformat(job.first), date.fromisoformat(job.last))


class _Slice:
    """Pages in, parts out. Memory: the buffer (< 5 MiB + one page) and one page of items."""

    def __init__(self, job: ExportJobItem, lease: str, deadline: float) -> None:
        self.job, self.lease, self.deadline = job, lease, deadline
        self.span = _span(job)
        self.buffer = bytearray(rules.header(job.format) if job.parts == 0 else b"")
        self.pending = 0  # events in the buffer

    def run(self) -> None:
        at: Position | None = Position.decoded(int(self.job.source), self.job.cursor)
        while at is not None:
            events, at = export_store.page_of_events(self.job.org_id, self.job.deal_id, self.span, at)
            self.buffer += rules.lines(events, self.job.format)
            self.pending += len(events)
            if at is not None and len(self.buffer) >= PART_BYTES:
                self._flush(at)
                if time.monotonic() >= self.deadline:
                    export_store.release(self.job, self.lease)
                    return  # the next slice starts from this part boundary
        self._finish()

    def _flush(self, at: Position) -> None:
        job = self.job
        if job.upload_id is None:
            upload_id = export_store.start_upload(job.s3_key, rules.CONTENT_TYPES[job.format], job.file_name)
            export_store.checkpoint(job, self.lease, upload_id=upload_id)
        assert job.upload_id is not None
        # the buffer itself (the SDK takes a bytearray): no second 5 MiB copy of the part
        export_store.upload_part(job.s3_key, job.upload_id, int(job.parts) + 1, self.buffer)
        export_store.checkpoint(
            job,
            self.lease,
            parts=int(job.parts) + 1,
            events=int(job.events) + self.pending,
            bytes=int(job.bytes) + len(self.buffer),
            source=at.source,
            cursor=at.encoded(),
        )
        self.buffer.clear()
        self.pending = 0

    def _finish(self) -> None:
        job = self.job
        content_type = rules.CONTENT_TYPES[job.format]
        if job.upload_id is None:
            export_store.put_file(job.s3_key, bytes(self.buffer), content_type, job.file_name)
        else:
            if self.buffer:
                export_store.upload_part(job.s3_key, job.upload_id, int(job.parts) + 1, bytes(self.buffer))
                job.parts = int(job.parts) + 1
            export_store.complete_upload(job.s3_key, job.upload_id)
        total = int(job.events) + self.pending
        size = int(job.bytes) + len(self.buffer)
        uow = UnitOfWork()
        changes = {"status": "ready", "events": total, "bytes": size, "parts": int(job.parts)}
        uow.update(
            job,
            {**changes, "finished_at": clock.now(), "lease": None, "lease_until": None},
            condition=ExportJobItem.lease == self.lease,
        )
        uow.record(_logged(job, total))
        uow.commit()
        for name, value in changes.items():
            setattr(job, name, value)
        metrics.add_metric(name="ActivityExports", unit="Count", value=1)


def _logged(job: ExportJobItem, count: int) -> ActivityEvent:
    actor = Actor(job.created_by, job.created_by_label)
    data = {
        "format": job.format,
        "from": job.first,
        "to": job.last,
        "count": count,
        "export_id": job.export_id,
        "key": job.s3_key,
    }
    if job.deal_id:
        summary = f"{actor.label} exported {count} events of the deal's log"
        return event_on_deal(
            job.org_id,
            job.deal_id,
            actor,
            EventType.ACTIVITY_EXPORTED,
            summary,
            visibility=Visibility.INTERNAL,
            data=data,
        )
    return org_event(
        job.org_id,
        actor,
        EventType.ACTIVITY_EXPORTED,
        f"{actor.label} exported {count} events of the organization's log",
        data=data,
    )


def _view(job: ExportJobItem) -> Export:
    ready = job.status == "ready"
    return Export(
        export_id=job.export_id,
        status=job.status,
        format=job.format,
        span=_span(job),
        count=int(job.events),
        bytes=int(job.bytes),
        parts=int(job.parts),
        key=job.s3_key,
        url=export_store.presigned_get(job.s3_key, LINK_SECONDS) if ready else None,
        expires_at=clock.now() + timedelta(seconds=LINK_SECONDS) if ready else None,
    )


def run_to_end(job: ExportJobItem, seconds: float) -> Export:
    """The runbook: slices one after the other until the job is done or `seconds` have passed."""
    ends = time.monotonic() + seconds
    found = _view(job)
    while found.status == "running" and time.monotonic() < ends:
        current = export_store.load_job(job.export_id) or job
        found = run_slice(current, max(0.0, ends - time.monotonic()))
    return found


def resume(export_id: str) -> ExportJobItem:
    job = export_store.load_job(export_id) if ids.looks_like("ex", export_id) else None
    if job is None:
        raise NotFound("export not found")
    return job
