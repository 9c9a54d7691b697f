"""Activity exports: the export job record, reading the log one page at a time, and the file in S3 —
one PUT for a small file, a multipart upload (parts of at least 5 MiB, the last one excepted) for a large
one — with its presigned link.

Files go to the documents bucket under `exports/`; the S3 client is created once, on first use.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.clock import iso
from chalicelib.config import settings
from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.exports import DateRange
from chalicelib.store import schema
from chalicelib.store.errors import translated
from chalicelib.store.models import ACTIVITY_PREFIX, ActivityItem, activity_stream
from chalicelib.store.table import KeyFormat, TableItem, query_page, share_connection

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

PREFIX = "exports/"
PAGE_EVENTS = 1000  # one Query (≤ 1 MB) at a time
TAGGING = "threshold-kind=activity-export"


class ExportJobItem(TableItem, discriminator="ExportJob"):
    """An export: where the reading stands (`source`, `cursor`: the position after the last part
    uploaded), what is written (`parts` and their ETags in order, `events`, `bytes`), and its state
    (running → ready | failed, with the `failure` reason). Expires 30 days after it starts.
    Operational state, like the outbox's progress: not activity-bearing (the `activity.exported` event
    is written with the job's completion)."""

    KEY = KeyFormat("EXPORT#{export_id}", "EXPORT")

    export_id = UnicodeAttribute()
    org_id = UnicodeAttribute()
    deal_id = UnicodeAttribute(null=True)
    format = UnicodeAttribute()
    first = UnicodeAttribute()
    last = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    file_name = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_by_label = UnicodeAttribute()
    upload_id = UnicodeAttribute(null=True)
    parts = NumberAttribute(default=0)
    events = NumberAttribute(default=0)
    bytes = NumberAttribute(default=0)
    source = NumberAttribute(default=0)
    cursor = UnicodeAttribute(null=True)
    lease = UnicodeAttribute(null=True)
    lease_until = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    etags = ListAttribute(null=True)  # type: ignore[var-annotated]  # part n's ETag at n - 1, unquoted
    failure = UnicodeAttribute(null=True)


share_connection(ExportJobItem)


# -- the job record ---------------------------------------------------------------------------------


def new_job(item: ExportJobItem) -> None:
    with translated():
        item.refresh_keys()
        item.save(condition=TableItem.pk.does_not_exist())


def load_job(export_id: str) -> ExportJobItem | None:
    with translated():
        try:
            return ExportJobItem.get(*ExportJobItem.key_for(export_id=export_id), consistent_read=True)
        except DoesNotExist:
            return None


def claim(job: ExportJobItem, lease: str, now: datetime, until: datetime) -> bool:
    """Take the job for one slice of work: only one slice runs at a time (two polls at once: one works,
    the other just answers the progress)."""
    free = ExportJobItem.lease_until.does_not_exist() | (ExportJobItem.lease_until < iso(now))
    try:
        with translated():
            job.update(
                actions=[ExportJobItem.lease.set(lease), ExportJobItem.lease_until.set(iso(until))],
                condition=(ExportJobItem.status == "running") & free,
            )
    except UpdateError:
        return False
    return True


def checkpoint(job: ExportJobItem, lease: str, **fields: Any) -> None:
    """Save fields of the job, only while this slice still holds it."""
    actions = [getattr(ExportJobItem, name).set(value) for name, value in fields.items()]
    with translated():
        job.update(actions=actions, condition=ExportJobItem.lease == lease)


def part_saved(job: ExportJobItem, lease: str, etag: str, **fields: Any) -> None:
    """Save progress after part `job.parts + 1` is uploaded: its ETag appended, the counts and the reading
    position moved on — only while this slice holds the job *and* the job still stands where the slice
    read it (`parts` unchanged). A second delivery or a slice that outlived its lease cannot add the part
    twice: its write is refused (UpdateError) and the part it uploaded is overwritten or left out."""
    done = int(job.parts)
    actions = [getattr(ExportJobItem, name).set(value) for name, value in fields.items()]
    actions += [
        ExportJobItem.parts.set(done + 1),
        ExportJobItem.etags.set((ExportJobItem.etags | []).append([etag.strip('"')])),
    ]
    with translated():
        job.update(actions=actions, condition=(ExportJobItem.lease == lease) & (ExportJobItem.parts == done))


def failed(job: ExportJobItem, reason: str, now: datetime) -> bool:
    """The job ends `failed` with its reason (if it was still running); False if it had already ended."""
    try:
        with translated():
            job.update(
                actions=[
                    ExportJobItem.status.set("failed"),
                    ExportJobItem.failure.set(reason),
                    ExportJobItem.finished_at.set(iso(now)),
                    ExportJobItem.lease.remove(),
                    ExportJobItem.lease_until.remove(),
                ],
                condition=ExportJobItem.status == "running",
            )
    except UpdateError:
        return False
    return True


def release(job: ExportJobItem, lease: str) -> None:
    with translated():
        job.update(
            actions=[ExportJobItem.lease.remove(), ExportJobItem.lease_until.remove()],
            condition=ExportJobItem.lease == lease,
        )


# -- reading the log, one page at a time -----------------------------------------------------------


@dataclass(frozen=True)
class Position:
    source: int  # which partition: the deal's, or the org's month (in order)
    cursor: dict[str, Any] | None

    def encoded(self) -> str | None:
        return json.dumps(self.cursor, separators=(",", ":"), sort_keys=True) if self.cursor else None

    @classmethod
    def decoded(cls, source: int, cursor: str | None) -> Position:
        return cls(source, json.loads(cursor) if cursor else None)


def sources(org_id: str, deal_id: str | None, span: DateRange) -> int:
    return 1 if deal_id else len(span.months())


def page_of_events(
    org_id: str, deal_id: str | None, span: DateRange, at: Position
) -> tuple[list[ActivityEvent], Position | None]:
    """One Query of the range, oldest first, and where the next one starts (None: the end)."""
    if deal_id:
        partition, index = activity_stream(deal_id, None, None), None
        condition = TableItem.sk.between(
            f"{ACTIVITY_PREFIX}{iso(span.start)}", f"{ACTIVITY_PREFIX}{iso(span.end)}"
        )
    else:
        month = span.months()[at.source]
        partition = ActivityItem.INDEXES[schema.GSI1].partition_for(org_id=org_id, month=month)
        index, condition = schema.GSI1, TableItem.gsi1sk.between(iso(span.start), iso(span.end))
    with translated():
        page = query_page(
            partition, sort_condition=condition, index=index, limit=PAGE_EVENTS, start_key=at.cursor
        )
    events = [i.to_entity() for i in page.items if isinstance(i, ActivityItem)]
    events = [e for e in events if span.start <= e.at < span.end]
    if page.last_key is not None:
        return events, Position(at.source, page.last_key)
    following = at.source + 1
    return events, (Position(following, None) if following < sources(org_id, deal_id, span) else None)


# -- the file ----------------------------------------------------------------------------------------


@functools.cache
def _s3() -> S3Client:
    import boto3
    from botocore.config import Config

    client: S3Client = boto3.client(
        "s3",
        region_name=settings().region,
        config=Config(
            connect_timeout=2, read_timeout=20, retries={"max_attempts": 3}, signature_version="s3v4"
        ),
    )
    return client


def _attachment(file_name: str) -> str:
    return f'attachment; filename="{file_name}"'


def put_file(key: str, body: bytes, content_type: str, file_name: str) -> None:
    with translated():
        _s3().put_object(
            Bucket=settings().documents_bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ContentDisposition=_attachment(file_name),
            Tagging=TAGGING,
        )


def start_upload(key: str, content_type: str, file_name: str) -> str:
    with translated():
        upload = _s3().create_multipart_upload(
            Bucket=settings().documents_bucket,
            Key=key,
            ContentType=content_type,
            ContentDisposition=_attachment(file_name),
            Tagging=TAGGING,
        )
    return upload["UploadId"]


def upload_part(key: str, upload_id: str, number: int, body: bytes | bytearray) -> str:
    """Upload (or replace: the same number overwrites) one part; its ETag."""
    with translated():
        reply = _s3().upload_part(
            Bucket=settings().documents_bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=body,  # type: ignore[arg-type]  # botocore takes a bytearray (validate.py); the stubs omit it
        )
    return reply["ETag"]


def complete_upload(key: str, upload_id: str, etags: list[str]) -> None:
    """Assemble the parts the job recorded, in order (`etags[n - 1]` is part n's): a part uploaded by a
    slice that never saved it is not one of them."""
    parts: list[CompletedPartTypeDef] = [{"PartNumber": n, "ETag": f'"{e}"'} for n, e in enumerate(etags, 1)]
    with translated():
        _s3().complete_multipart_upload(
            Bucket=settings().documents_bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )


def abort_upload(key: str, upload_id: str) -> None:
    """A failed export's parts are deleted (S3 keeps an unfinished upload's parts, and bills them)."""
    with translated():
        _s3().abort_multipart_upload(Bucket=settings().documents_bucket, Key=key, UploadId=upload_id)


def presigned_get(key: str, expires_in: int) -> str:
    url: str = _s3().generate_presigned_url(
        "get_object", Params={"Bucket": settings().documents_bucket, "Key": key}, ExpiresIn=expires_in
    )
    return url
