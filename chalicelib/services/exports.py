"""Activity exports: a deal's or an org's log for a date range, as CSV or JSON Lines, in S3, handed back as
a presigned link — streamed page by page, with memory bounded whatever the size (docs/ADMIN.md).

Every export is a job (`store/exports.py: ExportJobItem`). Work happens in *slices*: read a page of the log,
render it, append it to a buffer; when the buffer reaches 5 MiB it becomes the next part of an S3 multipart
upload and the job saves its position, the part's ETag and its counts in one conditional write. A slice
stops at the first part boundary after its time budget, or at the end of the range: then the last part is
uploaded (or, for a file under 5 MiB, one PUT), the upload completed, and the job marked ready in the same
transaction as its `activity.exported` event — so no link exists for an export the log does not show. The
link itself is presigned on each read of a ready job.

Who runs the slices: the POST (or the console runbook) queues the job for the `export_worker` function,
then runs the first slice itself — a small export is ready in its answer (201). A larger one answers 202;
the worker runs slice after slice, each message one slice that re-queues the job until it is ready
(services/export_worker.py). `GET /v1/admin/exports/{id}` only reads where the job stands.
"""

from __future__ import annotations

import time
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from chalicelib import clock, ids
from chalicelib.domain import exports as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.entities import ActivityEvent, Actor, Deal
from chalicelib.domain.errors import DomainError, Forbidden, NotFound, Unavailable
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import OPS, Visibility
from chalicelib.observability import logger, metrics
from chalicelib.services.access import deal_header_access
from chalicelib.services.activity import event_on_deal, org_event
from chalicelib.services.pipeline import ops_org
from chalicelib.store import export_queue
from chalicelib.store import exports as export_store
from chalicelib.store.errors import AWS_ERRORS
from chalicelib.store.exports import ExportJobItem, Position
from chalicelib.store.unit_of_work import UnitOfWork

LINK_SECONDS = 3600  # one hour: long enough to download a large file on a slow line (docs/ADMIN.md)
PART_BYTES = rules.PART_BYTES
# The API function has 10 s: its slice stops at the first part boundary after 5 s — reading and uploading
# one more part (≤ 5 MiB + one page) takes well under a second on AWS — leaving room for the answer.
SLICE_SECONDS = 5.0
LEASE_SECONDS = 15  # longer than the API function lives: a slice that dies frees the job for the worker
JOB_DAYS = 30


SLICE_ERRORS: tuple[type[Exception], ...] = (DomainError, *AWS_ERRORS)  # S3 or the table failing


def too_large() -> str:
    return f"the file would be larger than {rules.MAX_PARTS:,} parts of 5 MiB; export a shorter range"


class ExportTooLarge(Exception):
    """The file would need more parts than an export may have (rules.MAX_PARTS)."""


@dataclass(frozen=True)
class Export:
    export_id: str
    status: str  # running | ready | failed
    format: str
    span: rules.DateRange
    count: int  # events written so far (all of them once ready)
    bytes: int
    parts: int
    key: str
    url: str | None = None
    expires_at: datetime | None = None
    failure: str | None = None

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def export_deal(caller: Caller, deal_id: str, fmt: str, first: date | None, last: date | None) -> Export:
    deal, _, access = deal_header_access(caller, deal_id)
    if access.capacity not in OPS:
        raise Forbidden("exports are for admins and coordinators")
    span = rules.deal_range(first, last, clock.now().date())
    return begin(start(caller.actor, deal.org_id, deal, fmt, span), SLICE_SECONDS, LEASE_SECONDS)


def export_org(caller: Caller, org_id: str | None, fmt: str, first: date | None, last: date | None) -> Export:
    org = ops_org(caller, org_id)
    span = rules.org_range(first, last, clock.now().date())
    return begin(start(caller.actor, org, None, fmt, span), SLICE_SECONDS, LEASE_SECONDS)


def export_status(caller: Caller, export_id: str, org_id: str | None) -> Export:
    """Where a job of the caller's org stands (a read: the worker moves it on, not the poll)."""
    job = export_store.load_job(export_id) if ids.looks_like("ex", export_id) else None
    if job is None or job.org_id != ops_org(caller, org_id or job.org_id):
        raise NotFound("export not found")
    return _view(job)


def begin(job: ExportJobItem, budget_seconds: float, lease_seconds: float) -> Export:
    """Queue the job for the worker, then run its first slice here: a small export is ready at once; a
    larger one goes on in the worker. Queued first, so that a caller that dies mid-slice (a timeout) still
    leaves the job to the worker, which takes it once this slice's lease has lapsed."""
    try:
        export_queue.send(export_queue.Work(job.export_id))
    except SLICE_ERRORS as error:
        with suppress(Exception):  # the job is not left `running` with nothing to run it, if the table allows
            export_store.failed(job, "the export could not be queued; start it again", clock.now())
        raise Unavailable("exports are unavailable; please retry", code="storage_unavailable") from error
    lease = uuid.uuid4().hex
    now = clock.now()
    if not export_store.claim(job, lease, now, now + timedelta(seconds=lease_seconds)):
        return _view(export_store.load_job(job.export_id) or job)  # the worker took it first
    try:
        run_claimed(job, lease, budget_seconds)
    except ExportTooLarge:
        give_up(job, too_large())
    except SLICE_ERRORS:  # S3 or the table failed this time: the worker tries again
        logger.warning(
            "an export's first slice failed; the worker goes on", extra={"export_id": job.export_id}
        )
        with suppress(Exception):  # the lease lapses anyway
            export_store.release(job, lease)
    return _view(export_store.load_job(job.export_id) or job)


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


def run_claimed(job: ExportJobItem, lease: str, budget_seconds: float) -> None:
    """One slice of a job this caller has claimed with `lease`: parts until the budget is spent (then the
    lease is released at a part boundary), or the end (the job is ready)."""
    _Slice(job, lease, time.monotonic() + budget_seconds).run()


def give_up(job: ExportJobItem, reason: str) -> bool:
    """End a running job `failed` with `reason` and abort its multipart upload (S3 drops the parts)."""
    if not export_store.failed(job, reason, clock.now()):
        return False
    if job.upload_id:
        try:
            export_store.abort_upload(job.s3_key, job.upload_id)
        except SLICE_ERRORS:  # the bucket's lifecycle rule aborts it after a day anyway (infra/storage.py)
            logger.warning(
                "a failed export's upload could not be aborted", extra={"export_id": job.export_id}
            )
    metrics.add_metric(name="ActivityExportsFailed", unit="Count", value=1)
    return True


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
        if int(job.parts) + 1 > rules.MAX_PARTS:
            raise ExportTooLarge(job.export_id)
        if job.upload_id is None:
            upload_id = export_store.start_upload(job.s3_key, rules.CONTENT_TYPES[job.format], job.file_name)
            export_store.checkpoint(job, self.lease, upload_id=upload_id)
        assert job.upload_id is not None
        # the buffer itself (the SDK takes a bytearray): no second 5 MiB copy of the part
        etag = export_store.upload_part(job.s3_key, job.upload_id, int(job.parts) + 1, self.buffer)
        export_store.part_saved(
            job,
            self.lease,
            etag,
            events=int(job.events) + self.pending,
            bytes=int(job.bytes) + len(self.buffer),
            source=at.source,
            cursor=at.encoded(),
        )  # the job's attributes now hold what the write returned (parts + 1, the ETag appended)
        self.buffer.clear()
        self.pending = 0

    def _finish(self) -> None:
        job = self.job
        content_type = rules.CONTENT_TYPES[job.format]
        if job.upload_id is None:
            export_store.put_file(job.s3_key, bytes(self.buffer), content_type, job.file_name)
        else:
            etags = list(job.etags or [])
            if self.buffer and len(etags) + 1 > rules.MAX_PARTS:
                raise ExportTooLarge(job.export_id)
            if self.buffer:
                last = export_store.upload_part(job.s3_key, job.upload_id, len(etags) + 1, self.buffer)
                etags.append(last.strip('"'))
            export_store.complete_upload(job.s3_key, job.upload_id, etags)
            job.parts = len(etags)
        total = int(job.events) + self.pending
        size = int(job.bytes) + len(self.buffer)
        uow = UnitOfWork()
        changes = {"status": "ready", "events": total, "bytes": size, "parts": int(job.parts)}
        uow.update(
            job,
            {**changes, "finished_at": clock.now(), "lease": None, "lease_until": None},
            condition=(ExportJobItem.lease == self.lease) & (ExportJobItem.status == "running"),
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
        failure=job.failure if job.status == "failed" else None,
    )


def view(job: ExportJobItem) -> Export:
    return _view(job)


def resume(export_id: str) -> ExportJobItem:
    job = export_store.load_job(export_id) if ids.looks_like("ex", export_id) else None
    if job is None:
        raise NotFound("export not found")
    return job
