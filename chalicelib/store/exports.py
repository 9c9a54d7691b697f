"""Activity exports: reading a range of the log, and the file in S3 with its presigned link.

Files go to the documents bucket under `exports/`; the S3 client is created once, on first use.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from chalicelib.clock import iso
from chalicelib.config import settings
from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.errors import Invalid
from chalicelib.domain.exports import DateRange
from chalicelib.store import schema
from chalicelib.store.errors import translated
from chalicelib.store.models import ACTIVITY_PREFIX, ActivityItem, activity_stream
from chalicelib.store.table import TableItem, query_page

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from pynamodb.expressions.condition import Condition

PREFIX = "exports/"


def _too_large(limit: int) -> Invalid:
    return Invalid(
        f"more than {limit} events in this range: narrow it, or run the export runbook",
        code="export_too_large",
        details={"limit": limit},
    )


def _collect(
    partition: str, sort_condition: Condition, index: str | None, limit: int, found: list[ActivityEvent]
) -> None:
    start: dict[str, Any] | None = None
    while True:
        with translated():
            page = query_page(
                partition, sort_condition=sort_condition, index=index, limit=1000, start_key=start
            )
        found += [i.to_entity() for i in page.items if isinstance(i, ActivityItem)]
        if len(found) > limit:
            raise _too_large(limit)
        if page.last_key is None:
            return
        start = page.last_key


def deal_events(deal_id: str, span: DateRange, *, limit: int) -> list[ActivityEvent]:
    """A deal's events in the range, oldest first (one Query per 1 MB)."""
    found: list[ActivityEvent] = []
    condition = TableItem.sk.between(
        f"{ACTIVITY_PREFIX}{iso(span.start)}", f"{ACTIVITY_PREFIX}{iso(span.end)}"
    )
    _collect(activity_stream(deal_id, None, None), condition, None, limit, found)
    return [e for e in found if span.start <= e.at < span.end]


def org_events(org_id: str, span: DateRange, *, limit: int) -> list[ActivityEvent]:
    """Every event of an org (its deals', its own) in the range, oldest first: one Query per month
    partition of GSI1 (and per 1 MB)."""
    found: list[ActivityEvent] = []
    condition = TableItem.gsi1sk.between(iso(span.start), iso(span.end))
    for month in span.months():
        partition = ActivityItem.INDEXES[schema.GSI1].partition_for(org_id=org_id, month=month)
        _collect(partition, condition, schema.GSI1, limit, found)
    return [e for e in found if span.start <= e.at < span.end]


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


def put_file(key: str, body: bytes, content_type: str, file_name: str) -> None:
    with translated():
        _s3().put_object(
            Bucket=settings().documents_bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            ContentDisposition=f'attachment; filename="{file_name}"',
            Tagging="threshold-kind=activity-export",
        )


def presigned_get(key: str, expires_in: int) -> str:
    url: str = _s3().generate_presigned_url(
        "get_object", Params={"Bucket": settings().documents_bucket, "Key": key}, ExpiresIn=expires_in
    )
    return url
