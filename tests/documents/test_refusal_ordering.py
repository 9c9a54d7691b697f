"""A refusal is never lost: it is recorded before the file moves to quarantine, so a fault in between
leaves the file where the redelivered event finds it again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from chalicelib.config import settings
from chalicelib.domain.errors import Unavailable
from chalicelib.services import ingest as ingest_service
from chalicelib.store.unit_of_work import UnitOfWork
from tests.documents.helpers import COORDINATOR, activity, new_request, request_as
from tests.support.uploads import PDF, object_exists, s3

S3_EVENT_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def _formless_file(api, deal: str, request_id: str) -> str:
    org = api.get(f"/v1/deals/{deal}", as_user=COORDINATOR).json["org_id"]
    key = f"orgs/{org}/deals/{deal}/requests/{request_id}/{uuid.uuid4()}"
    s3().put_object(Bucket=settings().documents_bucket, Key=key, Body=PDF, ContentType="application/pdf")
    return key


def _refusals(api, deal: str) -> list[dict]:
    return [e for e in activity(api, deal) if e["type"] == "document.upload_refused"]


def test_a_fault_while_recording_a_refusal_leaves_the_file_for_the_retry(api, park, storage, monkeypatch):
    # Given a file at a request's key that no issued form names
    request = new_request(api, park)
    key = _formless_file(api, park, request["id"])
    # When recording its refusal fails (DynamoDB throttles the transaction)
    real_commit = UnitOfWork.commit

    def throttled(self: UnitOfWork) -> None:
        raise Unavailable("throttled")

    monkeypatch.setattr(UnitOfWork, "commit", throttled)
    with pytest.raises(Unavailable):
        ingest_service.ingest_upload(key, event_time=S3_EVENT_TIME)
    # Then the file has not moved, and nothing claims it was refused
    assert object_exists(key) and not object_exists(f"quarantine/{key}")
    assert _refusals(api, park) == []
    # And when SQS redelivers the event, the refusal is recorded and the file quarantined
    monkeypatch.setattr(UnitOfWork, "commit", real_commit)
    assert ingest_service.ingest_upload(key, event_time=S3_EVENT_TIME).result == "refused"
    assert not object_exists(key) and object_exists(f"quarantine/{key}")
    assert request_as(api, park, request["id"])["last_refusal"]["code"] == "form_not_issued"
    assert len(_refusals(api, park)) == 1


def test_a_duplicated_event_for_a_formless_file_is_recorded_once(api, park, storage, monkeypatch):
    # Given a formless file whose refusal was recorded but whose move did not happen (a crash between)
    request = new_request(api, park)
    key = _formless_file(api, park, request["id"])
    with monkeypatch.context() as crash:
        crash.setattr(ingest_service.objects, "quarantine", lambda *_: None)
        ingest_service.ingest_upload(key, event_time=S3_EVENT_TIME)
    assert object_exists(key)
    # When the same S3 event is delivered again
    outcome = ingest_service.ingest_upload(key, event_time=S3_EVENT_TIME)
    # Then it finishes the move without telling anyone twice
    assert outcome.result == "replayed"
    assert not object_exists(key) and object_exists(f"quarantine/{key}")
    assert len(_refusals(api, park)) == 1
