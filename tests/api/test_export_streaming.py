"""Large exports stream: the file goes to S3 page by page in parts of at least 5 MiB (never held whole), and
an export longer than one call runs on in the export worker, as a job whose progress and link the API hands
over (the worker's retries and duplicates: tests/api/test_export_worker.py). The memory
figures (20,000 and 200,000 events) are measured by `make bench` against an out-of-process emulator: the
in-process one holds every uploaded part itself."""

from __future__ import annotations

import json
from urllib.parse import unquote, urlparse

import boto3
import pytest

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain import exports as export_rules
from chalicelib.services import exports as export_service
from devstack import volume
from tests.support import exports as export_queue
from tests.support.demo import ADMIN

MIB = 1024 * 1024


@pytest.fixture
def big_log(seeded) -> int:
    """About 13 MB of export in the org's log (1,200 events of ~10 kB), written in bulk."""
    boto3.client("s3", region_name=settings().region).create_bucket(Bucket=settings().documents_bucket)
    export_queue.export_queue()
    volume.add_org_events(seeded.orgs["Harbor & Main Realty"], 1200, clock.now(), summary_bytes=10_000)
    return 1200


def _object(url: str) -> tuple[str, str]:
    bucket = settings().documents_bucket
    return bucket, unquote(urlparse(url).path).lstrip("/").removeprefix(f"{bucket}/")


def test_a_large_export_streams_in_parts_of_at_least_5_mib(big_log, api, monkeypatch):
    # Given a function with time enough for the whole export
    monkeypatch.setattr(export_service, "SLICE_SECONDS", 600.0)

    # When an admin exports the org's last 30 days
    reply = api.post("/v1/admin/activity-export", {"format": "jsonl"}, as_user=ADMIN)

    # Then the file holds every event once, and went up in parts of ≥ 5 MiB (the last one excepted)
    assert reply.status == 201, reply.json
    s3 = boto3.client("s3", region_name=settings().region)
    bucket, key = _object(reply.json["url"])
    size = s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
    assert reply.json["count"] >= big_log and reply.json["progress"]["parts"] == 3
    assert s3.head_object(Bucket=bucket, Key=key, PartNumber=1)["ContentLength"] >= 5 * MIB
    assert s3.head_object(Bucket=bucket, Key=key, PartNumber=2)["ContentLength"] >= 5 * MIB
    assert size == reply.json["progress"]["bytes"] > 10 * MIB
    lines = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)) == reply.json["count"]


def test_an_export_longer_than_one_call_finishes_in_the_worker_with_no_one_polling(big_log, api, monkeypatch):
    # Given functions with no time to spare: each call does one part's worth of work
    monkeypatch.setattr(export_service, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(export_rules, "WORKER_SLICE_SECONDS", 0.0)

    # When the export is asked for, and polled twice
    started = api.post("/v1/admin/activity-export", {"format": "csv"}, as_user=ADMIN)
    assert started.status == 202, started.json
    assert started.headers["Location"] == f"/v1/admin/exports/{started.json['id']}"
    assert "url" not in started.json and started.json["progress"]["bytes"] >= 5 * MIB
    polls = [api.get(started.headers["Location"], as_user=ADMIN) for _ in range(2)]

    # Then a poll only reads: the job stands where the POST left it
    assert [p.status for p in polls] == [202, 202]
    assert [p.json["progress"] for p in polls] == [started.json["progress"]] * 2

    # When the worker takes the queue's messages, one slice (one part) each, with no one polling
    delivered = export_queue.drain()

    # Then it re-queued the job until the file was whole, and the next read hands over the link
    assert delivered == 2  # the POST's message (part 2), then the slice it queued (part 3, completed)
    reply = api.get(started.headers["Location"], as_user=ADMIN)
    assert reply.status == 200 and reply.json["status"] == "ready", reply.json
    assert reply.json["progress"]["parts"] == 3
    bucket, key = _object(reply.json["url"])
    body = boto3.client("s3", region_name=settings().region).get_object(Bucket=bucket, Key=key)["Body"].read()
    rows = body.decode().splitlines()
    assert rows[0].startswith("at,id,type") and len(rows) == reply.json["count"] + 1
    assert len({r.split(",")[1] for r in rows[1:]}) == reply.json["count"] >= big_log
    # another org's coordinator never sees it; the org's own agent is refused
    assert api.get(started.headers["Location"], as_user="rory.coord@rivalrealty.example").status == 404
    assert api.get(started.headers["Location"], as_user="alex.agent@harbormain.example").status == 403
