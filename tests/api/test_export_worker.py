"""The export worker (issue 18): SQS may deliver a message twice, a worker may be killed mid-slice, S3 may
fail — the file still holds every event exactly once, in parts numbered without a gap, and the job either
ends `ready` with one `activity.exported` event, or `failed` with its reason and its upload aborted."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import unquote, urlparse

import boto3
import pytest

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain import exports as export_rules
from chalicelib.domain.errors import Unavailable
from chalicelib.services import export_worker
from chalicelib.services import exports as export_service
from chalicelib.store import exports as export_store
from devstack import volume
from tests.support import exports as queue
from tests.support.demo import ADMIN

MIB = 1024 * 1024
EVENTS = 1200  # ~10 kB each: a 13 MB file, 3 parts


class Killed(BaseException):
    """The function stopped where it stood (a timeout, the sandbox recycled): no handler runs after it."""


@pytest.fixture
def big_log(seeded, monkeypatch) -> str:
    boto3.client("s3", region_name=settings().region).create_bucket(Bucket=settings().documents_bucket)
    queue.export_queue()
    volume.add_org_events(seeded.orgs["Harbor & Main Realty"], EVENTS, clock.now(), summary_bytes=10_000)
    # the API and each worker message do one part's worth of work, so the job spans several messages
    monkeypatch.setattr(export_service, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(export_rules, "WORKER_SLICE_SECONDS", 0.0)
    monkeypatch.setattr(export_worker, "RETRY_SECONDS", 0)
    return seeded.orgs["Harbor & Main Realty"]


def _start(api) -> str:
    started = api.post("/v1/admin/activity-export", {"format": "jsonl"}, as_user=ADMIN)
    assert started.status == 202 and started.json["progress"]["parts"] == 1, started.json
    return str(started.headers["Location"])


def _file(url: str) -> tuple[list[str], list[int]]:
    """The ids of the file's rows, and its parts' sizes."""
    s3 = boto3.client("s3", region_name=settings().region)
    bucket = settings().documents_bucket
    key = unquote(urlparse(url).path).lstrip("/").removeprefix(f"{bucket}/")
    head = s3.head_object(Bucket=bucket, Key=key, PartNumber=1)
    sizes = [
        s3.head_object(Bucket=bucket, Key=key, PartNumber=n)["ContentLength"]
        for n in range(1, head["PartsCount"] + 1)
    ]
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    return [json.loads(line)["id"] for line in body.splitlines()], sizes


def _exported_events(api) -> int:
    feed = api.get("/v1/admin/activity?limit=100", as_user=ADMIN).json["items"]
    return sum(1 for e in feed if e["type"] == "activity.exported")


def _ready(api, location: str) -> dict:
    reply = api.get(location, as_user=ADMIN)
    assert reply.status == 200 and reply.json["status"] == "ready", reply.json
    return dict(reply.json)


def test_the_same_message_delivered_twice_adds_no_part_or_row_twice(big_log, api):
    location = _start(api)
    [message] = queue.receive()

    # When SQS delivers the same message twice, then the rest of the queue is worked off
    queue.deliver(message)
    queue.deliver(message)
    queue.drain()
    # and the message comes once more after the job is done
    assert queue.deliver(message) == {"batchItemFailures": []}

    # Then the file holds each event once, in parts of ≥ 5 MiB with no gap, and the export is logged once
    export = _ready(api, location)
    ids, sizes = _file(export["url"])
    assert len(ids) == len(set(ids)) == export["count"] >= EVENTS
    assert len(sizes) == export["progress"]["parts"] == 3 and min(sizes[:-1]) >= 5 * MIB
    assert sum(sizes) == export["progress"]["bytes"]
    assert _exported_events(api) == 1


def test_a_worker_killed_after_uploading_a_part_resumes_from_the_last_saved_part(big_log, api, monkeypatch):
    location = _start(api)
    [message] = queue.receive()

    # Given a worker killed after S3 took part 2 but before the job saved it
    saved = export_store.part_saved

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(export_store, "part_saved", killed)
    with pytest.raises(Killed):
        queue.deliver(message)
    monkeypatch.setattr(export_store, "part_saved", saved)
    job = export_store.load_job(location.rsplit("/", 1)[1])
    assert job is not None and int(job.parts) == 1 and job.lease  # still held by the dead slice

    # When SQS delivers the message again: first while the dead slice's lease holds, then after it lapsed
    assert queue.deliver(queue.record_of(message, receives=2)) == {"batchItemFailures": []}
    deferred = export_store.load_job(job.export_id)
    assert deferred is not None and int(deferred.parts) == 1  # deferred: nothing written
    clock.freeze(clock.now() + timedelta(seconds=export_rules.WORKER_LEASE_SECONDS + 1))
    queue.deliver(queue.record_of(message, receives=3))
    queue.drain()

    # Then the part uploaded twice is in the file once: every event once, no gap in the parts
    export = _ready(api, location)
    ids, sizes = _file(export["url"])
    assert len(ids) == len(set(ids)) == export["count"] >= EVENTS
    assert len(sizes) == 3 and min(sizes[:-1]) >= 5 * MIB and sum(sizes) == export["progress"]["bytes"]
    assert _exported_events(api) == 1


def test_an_export_that_keeps_failing_ends_failed_with_its_reason_and_its_upload_aborted(
    big_log, api, monkeypatch
):
    location = _start(api)

    # Given S3 refusing every further part
    def refused(*args, **kwargs):
        raise Unavailable("file storage is unavailable; please retry", code="storage_unavailable")

    monkeypatch.setattr(export_store, "upload_part", refused)

    # When the worker works the queue off (each failure is retried, up to its limit)
    assert queue.drain() == export_rules.WORKER_MAX_FAILURES

    # Then the job has failed, says why, hands over no link, and S3 keeps none of its parts
    reply = api.get(location, as_user=ADMIN)
    assert reply.status == 200 and reply.json["status"] == "failed", reply.json
    assert "storage failed 3 times" in reply.json["failure"] and "url" not in reply.json
    job = export_store.load_job(location.rsplit("/", 1)[1])
    s3 = boto3.client("s3", region_name=settings().region)
    uploads = s3.list_multipart_uploads(Bucket=settings().documents_bucket).get("Uploads", [])
    assert job is not None and job.upload_id not in {u["UploadId"] for u in uploads}
    assert s3.list_objects_v2(Bucket=settings().documents_bucket, Prefix=job.s3_key)["KeyCount"] == 0
    assert _exported_events(api) == 0


def test_a_message_the_function_keeps_dying_on_fails_its_export(big_log, api):
    location = _start(api)
    [message] = queue.receive()

    # When SQS delivers it a fourth time (the function stopped mid-slice three times)
    queue.deliver(queue.record_of(message, receives=export_rules.WORKER_MAX_FAILURES + 1))

    # Then the export ends failed, rather than wait for the dead-letter queue
    reply = api.get(location, as_user=ADMIN)
    assert reply.json["status"] == "failed" and "stopped 3 times" in reply.json["failure"]


def test_a_message_arriving_while_another_slice_holds_the_job_is_deferred_not_lost(big_log, api):
    location = _start(api)
    job = export_store.load_job(location.rsplit("/", 1)[1])
    assert job is not None

    # Given the worker's message arrives while another slice (the POST's own, say) still holds the job
    now = clock.now()
    assert export_store.claim(
        job, "the-api-slice", now, now + timedelta(seconds=export_service.LEASE_SECONDS)
    )
    assert queue.drain() == 1
    still = export_store.load_job(job.export_id)
    assert still is not None and int(still.parts) == 1  # it wrote nothing

    # When that slice lets go of the job, and the deferred message comes back (SQS delays it until the
    # lease lapses; here it is delivered at once)
    export_store.release(job, "the-api-slice")
    assert queue.drain(delayed=True) == 2

    # Then the export was carried on to the end, not dropped
    export = _ready(api, location)
    ids, _ = _file(export["url"])
    assert len(ids) == len(set(ids)) == export["count"] >= EVENTS


def test_an_export_longer_than_its_part_limit_fails_with_the_reason(big_log, api, monkeypatch):
    monkeypatch.setattr(export_rules, "MAX_PARTS", 2)
    location = _start(api)
    queue.drain()
    reply = api.get(location, as_user=ADMIN)
    assert reply.json["status"] == "failed" and "larger than 2 parts" in reply.json["failure"], reply.json
