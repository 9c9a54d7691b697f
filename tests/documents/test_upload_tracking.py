"""A portal can follow its upload: the form's upload_id names the version or the refusal it became, with
`processing` between the file reaching S3 and the ingest; browsers' type names are understood."""

from __future__ import annotations

from tests.documents.helpers import AGENT, CLIENT, CO_CLIENT, new_request, request_as
from tests.support.uploads import PDF, Uploader, ingest, post_to_s3

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def _status(api, deal: str, upload_id: str, email: str = CLIENT):
    return api.get(f"/v1/deals/{deal}/uploads/{upload_id}", as_user=email)


def test_an_upload_goes_issued_processing_accepted_and_names_its_version(api, park, storage):
    request = new_request(api, park)
    client = Uploader(api, park, request["id"], CLIENT)
    # Given a form just handed out
    form = client.form("statement.pdf").json
    upload_id = form["upload_id"]
    assert _status(api, park, upload_id).json["status"] == "issued"
    # When the browser has sent the file, before the ingest ran
    assert post_to_s3(form, "statement.pdf", PDF, "application/pdf").status_code == 204
    assert _status(api, park, upload_id).json["status"] == "processing"
    # Then after the ingest it is accepted, and the version carries the same upload_id
    ingest()
    done = _status(api, park, upload_id).json
    assert done["status"] == "accepted" and done["request_id"] == request["id"]
    [version] = request_as(api, park, request["id"])["documents"]
    assert version["upload_id"] == upload_id and version["id"] == done["document_id"]


def test_a_refused_upload_names_its_form_and_a_newer_upload_clears_it(api, park, storage):
    request = new_request(api, park)
    client = Uploader(api, park, request["id"], CLIENT)
    refused = client.upload(b"GIF89a not a pdf", file_name="fake.pdf")
    ingest()
    status = _status(api, park, refused["upload_id"]).json
    assert status["status"] == "refused" and status["refusal"]["code"] == "wrong_type"
    shown = request_as(api, park, request["id"])["last_refusal"]
    assert shown["upload_id"] == refused["upload_id"]
    # When the client starts a newer upload, the old refusal no longer stands for the request
    newer = client.form("statement.pdf").json
    assert "last_refusal" not in request_as(api, park, request["id"])
    # ...but the refused upload still says what happened to it
    assert _status(api, park, refused["upload_id"]).json["status"] == "refused"
    assert _status(api, park, newer["upload_id"]).json["status"] == "issued"


def test_only_the_uploader_and_staff_follow_an_upload(api, park, storage):
    request = new_request(api, park)
    form = Uploader(api, park, request["id"], CLIENT).form().json
    assert _status(api, park, form["upload_id"], AGENT).status == 200
    assert _status(api, park, form["upload_id"], CO_CLIENT).status == 404
    assert _status(api, park, "not-an-upload-id").status == 404


def test_chromiums_image_heif_is_the_heic_a_request_accepts(api, park, storage):
    request = new_request(api, park, accepted_types=["image/heic", "application/pdf"])
    client = Uploader(api, park, request["id"], CLIENT)
    reply = client.form("IMG_0042.HEIC", "image/heif")
    assert reply.status == 201, reply.json
    assert reply.json["fields"]["Content-Type"] == "image/heic"
    assert post_to_s3(reply.json, "IMG_0042.HEIC", HEIC, "image/heif").status_code == 204
    ingest()
    [version] = request_as(api, park, request["id"])["documents"]
    assert version["content_type"] == "image/heic"


def test_an_empty_type_is_judged_by_the_extension_then_by_the_bytes(api, park, storage):
    request = new_request(api, park)
    client = Uploader(api, park, request["id"], CLIENT)
    # a name with a known extension: its type
    reply = client.form("scan.PDF", "")
    assert reply.status == 201 and reply.json["fields"]["Content-Type"] == "application/pdf"
    # no extension, no type: a 422 that says what to send
    unknown = client.form("scan", "")
    assert unknown.status == 422 and unknown.error_code == "unknown_file_type"
    # and the bytes still decide at ingest: a ".pdf" that is not a PDF is refused
    fake = client.upload(b"MZ not a pdf", file_name="notes.pdf", content_type="")
    ingest()
    assert _status(api, park, fake["upload_id"]).json["refusal"]["code"] == "wrong_type"


def test_following_an_upload_costs_three_reads(api, park, storage, ddb_calls):
    request = new_request(api, park)
    form = Uploader(api, park, request["id"], CLIENT).form().json
    ddb_calls.reset()
    assert _status(api, park, form["upload_id"]).status == 200
    # the caller, the deal with its parties, the form
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1}
