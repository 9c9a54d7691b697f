"""Every way the ingest refuses a file: the uploader reads why on the request, nothing becomes a version,
and the file is moved under `quarantine/`.

moto does not enforce presigned POST conditions (size range, content type, expiry): a browser can send
moto anything the form's URL accepts. So these tests show the ingest enforcing them itself, as it must
in AWS too (events can be late, duplicated, or come from a file that bypassed the form)."""

from __future__ import annotations

import uuid

import pytest

from chalicelib.config import settings
from tests.documents.helpers import CLIENT, COORDINATOR, activity, new_request, request_as
from tests.support.uploads import PDF, Uploader, ingest, object_exists, s3, s3_event, send_raw


def assert_refused(api, deal, request_id, key, code, *, uploader=CLIENT):
    seen = request_as(api, deal, request_id, uploader)
    assert seen["documents"] == []  # nothing recorded as a version
    assert seen["last_refusal"]["code"] == code
    assert seen["last_refusal"]["message"]  # a sentence the uploader can act on
    assert not object_exists(key) and object_exists(f"quarantine/{key}")
    left = s3().list_object_versions(Bucket=settings().documents_bucket, Prefix=key)
    assert not left.get("Versions") and not left.get("DeleteMarkers")  # gone from orgs/ for good
    refused = [e for e in activity(api, deal, uploader) if e["type"] == "document.upload_refused"]
    assert refused and refused[0]["data"]["reason"] == code  # in the uploader's own activity log


@pytest.mark.parametrize(
    ("content", "file_name", "declared", "code"),
    [
        (PDF + b"x" * 200, "big.pdf", "application/pdf", "too_large"),
        (b"", "empty.pdf", "application/pdf", "empty_file"),
        (b"GIF89a definitely not a pdf", "fake.pdf", "application/pdf", "wrong_type"),
        (PDF, "letter.png", "image/png", "wrong_type"),  # a PDF declared as an image
    ],
    ids=["oversize", "empty", "pdf-that-is-not-a-pdf", "declared-type-mismatch"],
)
def test_a_file_that_breaks_the_forms_conditions_is_refused(
    api, park, storage, content, file_name, declared, code
):
    # Given a request that takes files up to 100 bytes, and a form for it
    request = new_request(api, park, max_bytes=100)
    # When the browser sends a file that S3 would have refused, but moto accepts
    form = Uploader(api, park, request["id"], CLIENT).upload(
        content, file_name=file_name, content_type=declared
    )
    ingest()
    # Then the ingest refuses it and the client reads why
    assert_refused(api, park, request["id"], form["fields"]["key"], code)
    assert request_as(api, park, request["id"])["status"] == "requested"


def test_an_exact_duplicate_of_a_version_is_refused(api, park, storage):
    request = new_request(api, park)
    client = Uploader(api, park, request["id"], CLIENT)
    client.upload(PDF)
    ingest()
    second = client.upload(PDF, file_name="same letter again.pdf")
    ingest()
    seen = request_as(api, park, request["id"])
    assert [d["version"] for d in seen["documents"]] == [1]
    assert (
        seen["last_refusal"]["code"] == "duplicate"
        and seen["last_refusal"]["file_name"] == "same letter again.pdf"
    )
    assert object_exists(f"quarantine/{second['fields']['key']}")


def test_an_upload_to_a_request_that_closed_meanwhile_is_refused(api, park, storage):
    # Given a form handed out while the request was open
    request = new_request(api, park)
    client = Uploader(api, park, request["id"], CLIENT)
    client.upload(PDF)
    late = client.form("second.pdf").json
    ingest()
    first = request_as(api, park, request["id"])["documents"][0]
    # When the request is approved before the second file arrives
    approved = api.post(
        f"/v1/deals/{park}/documents/{first['id']}/review", {"decision": "approve"}, as_user=COORDINATOR
    )
    assert approved.status == 200
    from tests.support.uploads import post_to_s3

    assert post_to_s3(late, "second.pdf", PDF + b"%more\n", "application/pdf").status_code == 204
    ingest()
    # Then the late file is refused and the approved version stands alone
    seen = request_as(api, park, request["id"])
    assert seen["status"] == "approved" and [d["version"] for d in seen["documents"]] == [1]
    assert seen["last_refusal"]["code"] == "request_closed"
    assert object_exists(f"quarantine/{late['fields']['key']}")


def test_a_file_at_a_request_key_without_an_issued_form_is_refused(api, park, storage):
    request = new_request(api, park)
    org = api.get(f"/v1/deals/{park}", as_user=COORDINATOR).json["org_id"]
    key = f"orgs/{org}/deals/{park}/requests/{request['id']}/{uuid.uuid4()}"
    s3().put_object(Bucket=settings().documents_bucket, Key=key, Body=PDF, ContentType="application/pdf")
    ingest()
    seen = request_as(api, park, request["id"])
    assert seen["documents"] == [] and seen["last_refusal"]["code"] == "form_not_issued"
    assert not object_exists(key) and object_exists(f"quarantine/{key}")
    # nobody can be named as its uploader: the log entry is for staff
    [event] = [e for e in activity(api, park) if e["type"] == "document.upload_refused"]
    assert event["visibility"] == "internal" and event["data"]["reason"] == "form_not_issued"


def test_a_file_outside_any_request_is_quarantined(api, park, storage):
    org = api.get(f"/v1/deals/{park}", as_user=COORDINATOR).json["org_id"]
    unknown_request = f"orgs/{org}/deals/{park}/requests/rq_{'a' * 26}/{uuid.uuid4()}"
    stray = "orgs/some file (1).pdf"  # arrives URL-encoded in the event: orgs%2Fsome+file+%281%29.pdf
    for key in (unknown_request, stray):
        s3().put_object(Bucket=settings().documents_bucket, Key=key, Body=PDF)
    ingest()
    for key in (unknown_request, stray):
        assert not object_exists(key) and object_exists(f"quarantine/{key}"), key
    reasons = [e["data"]["reason"] for e in activity(api, park) if e["type"] == "document.upload_refused"]
    assert reasons == ["not_a_request"]  # the real deal's staff see it; the stray key names no deal


def test_the_same_event_twice_makes_one_version(api, park, storage):
    request = new_request(api, park)
    form = Uploader(api, park, request["id"], CLIENT).upload(PDF)
    key = form["fields"]["key"]
    send_raw(s3_event(key))  # S3 delivers at least once: here, twice (and once more after ingest)
    ingest()
    send_raw(s3_event(key))
    ingest()
    seen = request_as(api, park, request["id"])
    assert [d["version"] for d in seen["documents"]] == [1] and "last_refusal" not in seen
    assert object_exists(key)
    submitted = [e for e in activity(api, park) if e["type"] == "document.submitted"]
    assert len(submitted) == 1


def test_a_duplicated_refusal_event_is_told_once(api, park, storage):
    request = new_request(api, park)
    form = Uploader(api, park, request["id"], CLIENT).upload(b"not a pdf", file_name="x.pdf")
    send_raw(s3_event(form["fields"]["key"]))
    ingest()
    refused = [e for e in activity(api, park) if e["type"] == "document.upload_refused"]
    assert len(refused) == 1
    assert object_exists(f"quarantine/{form['fields']['key']}")


def test_a_file_from_a_party_revoked_after_getting_the_form_is_refused(api, park, storage):
    # Given a form handed to the client, who is removed from the deal before the file lands
    request = new_request(api, park)
    form = Uploader(api, park, request["id"], CLIENT).form().json
    client_id = request["target_user_ids"][0]
    assert api.delete(f"/v1/deals/{park}/parties/{client_id}", as_user=COORDINATOR).status == 200
    from tests.support.uploads import post_to_s3

    assert post_to_s3(form, "letter.pdf", PDF, "application/pdf").status_code == 204
    ingest()
    # Then nothing is recorded, and staff read why
    seen = request_as(api, park, request["id"], COORDINATOR)
    assert seen["documents"] == [] and seen["last_refusal"]["code"] == "uploader_removed"
    assert object_exists(f"quarantine/{form['fields']['key']}")
