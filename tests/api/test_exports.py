"""Activity exports: files that parse and hold exactly the events of the range; the export is logged."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlparse

import boto3
import pytest

from chalicelib.config import settings
from chalicelib.domain.entities import Actor
from chalicelib.domain.events import EventType
from chalicelib.services.activity import deal_event, org_event
from chalicelib.store import deals as deal_store
from chalicelib.store.unit_of_work import UnitOfWork
from tests.support.demo import ADMIN
from tests.support.exports import export_queue

COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"
RIVAL_COORDINATOR = "rory.coord@rivalrealty.example"
ACTOR = Actor("u_test", "Test")


@pytest.fixture
def bucket(seeded) -> None:
    boto3.client("s3", region_name=settings().region).create_bucket(Bucket=settings().documents_bucket)
    export_queue()  # every export is queued for the export worker (a small one is ready before it runs)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _deal_note(deal_id: str, at: str) -> str:
    deal, _ = deal_store.load_header(deal_id)
    assert deal is not None
    event = deal_event(
        deal, ACTOR, EventType.NOTE_ADDED, f"note at {at}", data={"message_id": "m"}, at=_at(at)
    )
    uow = UnitOfWork()
    uow.record(event)
    uow.commit()
    return event.event_id


def _org_note(org_id: str, at: str) -> str:
    event = org_event(org_id, ACTOR, EventType.ORG_CREATED, f"org event at {at}")
    event.at = _at(at)
    uow = UnitOfWork()
    uow.record(event)
    uow.commit()
    return event.event_id


@pytest.fixture
def april(seeded, bucket) -> dict[str, set[str]]:
    """Events on both sides of April 2026 (UTC), in two deals, the org's own log and the rival org."""
    park, listing = seeded.deals["park_purchase"].deal_id, seeded.deals["harbor_listing"].deal_id
    rival = seeded.deals["rival_purchase"].deal_id
    harbor = seeded.orgs["Harbor & Main Realty"]
    outside = {_deal_note(park, "2026-03-31T23:59:59.999"), _deal_note(park, "2026-05-01T00:00:00")}
    park_in = {
        _deal_note(park, "2026-04-01T00:00:00"),
        _deal_note(park, "2026-04-15T12:00:00"),
        _deal_note(park, "2026-04-30T23:59:59.999"),
    }
    other_in = {_deal_note(listing, "2026-04-10T09:00:00"), _org_note(harbor, "2026-04-20T10:00:00")}
    _deal_note(rival, "2026-04-12T00:00:00")
    return {"park": park_in, "harbor": park_in | other_in, "outside": outside}


def _download(url: str) -> bytes:
    parsed = urlparse(url)
    path = unquote(parsed.path).lstrip("/")
    bucket_name = settings().documents_bucket
    key = path.removeprefix(f"{bucket_name}/")
    body = boto3.client("s3", region_name=settings().region).get_object(Bucket=bucket_name, Key=key)["Body"]
    return bytes(body.read())


def test_a_deal_export_as_csv_holds_exactly_the_events_of_the_range(seeded, api, april):
    park = seeded.deals["park_purchase"].deal_id
    reply = api.post(
        f"/v1/admin/deals/{park}/activity-export",
        {"format": "csv", "from": "2026-04-01", "to": "2026-04-30"},
        as_user=COORDINATOR,
    )
    assert reply.status == 201, reply.json
    assert (
        reply.json["count"] == 3 and reply.json["from"] == "2026-04-01" and reply.json["to"] == "2026-04-30"
    )
    query = parse_qs(urlparse(reply.json["url"]).query)
    assert query["X-Amz-Expires"] == ["3600"]

    rows = list(csv.DictReader(io.StringIO(_download(reply.json["url"]).decode())))
    assert {r["id"] for r in rows} == april["park"]
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)  # oldest first
    assert json.loads(rows[0]["data"]) == {"message_id": "m"} and rows[0]["deal_id"] == park

    logged = api.get(f"/v1/deals/{park}/activity", as_user=ADMIN).json["items"]
    event = next(e for e in logged if e["type"] == "activity.exported")
    assert event["actor"]["label"] == "Cora Diaz" and event["visibility"] == "internal"
    assert event["data"]["count"] == 3 and event["data"]["format"] == "csv"
    # the log's staff-only export line never reaches a client
    assert "activity.exported" not in {
        e["type"] for e in api.get(f"/v1/deals/{park}/activity", as_user=CLIENT).json["items"]
    }


def test_an_org_export_as_jsonl_holds_every_deal_and_org_event_of_the_range_and_no_rival(seeded, api, april):
    reply = api.post(
        "/v1/admin/activity-export",
        {"format": "jsonl", "from": "2026-04-01", "to": "2026-04-30"},
        as_user=ADMIN,
    )
    assert reply.status == 201 and reply.json["count"] == 5
    lines = _download(reply.json["url"]).decode().splitlines()
    events = [json.loads(line) for line in lines]
    assert {e["id"] for e in events} == april["harbor"]
    assert {e["org_id"] for e in events} == {seeded.orgs["Harbor & Main Realty"]}

    # across three months, both outside events come in too
    wide = api.post(
        "/v1/admin/activity-export",
        {"format": "jsonl", "from": "2026-03-31", "to": "2026-05-01"},
        as_user=ADMIN,
    )
    ids = {json.loads(line)["id"] for line in _download(wide.json["url"]).decode().splitlines()}
    assert ids == april["harbor"] | april["outside"]
    assert api.get("/v1/admin/activity", as_user=ADMIN).json["items"][0]["type"] == "activity.exported"


def test_exports_are_for_ops_of_the_org(seeded, api, bucket):
    park = seeded.deals["park_purchase"].deal_id
    body = {"format": "csv"}
    assert api.post(f"/v1/admin/deals/{park}/activity-export", body, as_user=AGENT).status == 403
    assert api.post(f"/v1/admin/deals/{park}/activity-export", body, as_user=CLIENT).status == 403
    assert api.post(f"/v1/admin/deals/{park}/activity-export", body, as_user=RIVAL_COORDINATOR).status == 404
    assert api.post("/v1/admin/activity-export", body, as_user=AGENT).status == 403
    harbor = seeded.orgs["Harbor & Main Realty"]
    assert (
        api.post("/v1/admin/activity-export", {**body, "org_id": harbor}, as_user=RIVAL_COORDINATOR).status
        == 404
    )


def test_bad_export_requests_are_refused(seeded, api, bucket):
    park = seeded.deals["park_purchase"].deal_id
    assert api.post(f"/v1/admin/deals/{park}/activity-export", {"format": "xml"}, as_user=ADMIN).status == 422
    backwards = api.post(
        "/v1/admin/activity-export",
        {"format": "csv", "from": "2026-05-01", "to": "2026-04-01"},
        as_user=ADMIN,
    )
    assert backwards.status == 422 and backwards.error_code == "invalid_range"
    too_long = api.post(
        "/v1/admin/activity-export",
        {"format": "csv", "from": "2025-01-01", "to": "2026-04-01"},
        as_user=ADMIN,
    )
    assert too_long.status == 422 and too_long.error_code == "range_too_long"
