"""Reading S3 notifications as AWS sends them (tests/events/*.json): keys arrive URL-encoded, the first
message of a new configuration is an `s3:TestEvent`, and only the documents bucket counts."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.events.ingest import uploaded_objects

EVENTS = Path(__file__).resolve().parents[1] / "events"


def body(name: str) -> str:
    return (EVENTS / name).read_text()


def test_object_created_records_give_decoded_keys_and_times():
    found = uploaded_objects(body("s3_object_created.json"))
    assert [key for key, _ in found] == [
        "orgs/o_aaaaaaaaaaaaaaaaaaaaaaaaaa/deals/dl_bbbbbbbbbbbbbbbbbbbbbbbbbb/requests/rq_cccccccccccccccccccccccccc/3f2b8a4e-5a7c-4a43-9a55-0c3c5f0b9d11",
        "orgs/scans/Bank statement (March) – Réyes.pdf",
    ]  # the third record is another bucket's
    assert found[0][1] is not None and found[0][1].isoformat() == "2026-11-22T14:03:00.123000+00:00"


def test_the_test_event_and_other_messages_yield_nothing():
    assert uploaded_objects(body("s3_test_event.json")) == []
    assert uploaded_objects("{not json") == []
    assert uploaded_objects(json.dumps({"Records": [{"eventName": "ObjectRemoved:Delete"}]})) == []
