"""`ingest_uploads` as Lambda calls it: S3's test event, partial batch failures, messages it cannot read."""

from __future__ import annotations

import json

from app import app
from chalicelib.services import ingest as ingest_service
from tests.documents.helpers import CLIENT, new_request, request_as
from tests.support.uploads import PDF, Uploader, ingest, s3_event, send_raw


def invoke(*bodies: str) -> dict:
    records = [
        {"messageId": f"m{n}", "receiptHandle": f"r{n}", "body": body, "eventSource": "aws:sqs"}
        for n, body in enumerate(bodies)
    ]
    return app.handler_map["ingest_uploads"]({"Records": records}, None)


def test_s3s_test_event_is_acknowledged_and_ignored(storage):
    send_raw({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "threshold-test-documents"})
    assert ingest() == 1  # consumed, not retried


def test_one_failing_message_does_not_fail_its_batch(api, park, storage, monkeypatch):
    # Given two uploads in one batch, the first of which hits a fault
    request = new_request(api, park)
    client = Uploader(api, park, request["id"], CLIENT)
    broken = client.upload(PDF, file_name="a.pdf")["fields"]["key"]
    fine = client.upload(PDF + b"%b\n", file_name="b.pdf")["fields"]["key"]
    real = ingest_service.ingest_upload

    def flaky(key, **kwargs):
        if key == broken:
            raise ConnectionError("S3 read timed out")
        return real(key, **kwargs)

    monkeypatch.setattr(ingest_service, "ingest_upload", flaky)
    # When the handler runs over the batch
    reply = invoke(json.dumps(s3_event(broken)), json.dumps(s3_event(fine)))
    # Then only the failed message is reported back to SQS, and the other upload is a version
    assert reply == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert [d["file_name"] for d in request_as(api, park, request["id"])["documents"]] == ["b.pdf"]
    # And when SQS redelivers it after the fault, it is ingested too
    monkeypatch.setattr(ingest_service, "ingest_upload", real)
    assert invoke(json.dumps(s3_event(broken))) == {"batchItemFailures": []}
    assert len(request_as(api, park, request["id"])["documents"]) == 2


def test_a_message_that_is_not_an_s3_event_is_dropped_not_retried(storage):
    assert invoke("not json", json.dumps({"Records": [{"eventName": "ObjectRemoved:Delete"}]})) == {
        "batchItemFailures": []
    }


def test_a_form_used_after_its_expiry_is_refused(api, park, storage):
    # moto does not enforce the policy's expiration: the event's time tells the ingest when S3 took it
    request = new_request(api, park)
    form = Uploader(api, park, request["id"], CLIENT).upload(PDF)
    late = s3_event(form["fields"]["key"])
    late["Records"][0]["eventTime"] = "2099-01-01T00:00:00.000Z"
    assert invoke(json.dumps(late)) == {"batchItemFailures": []}
    assert request_as(api, park, request["id"])["last_refusal"]["code"] == "form_expired"
