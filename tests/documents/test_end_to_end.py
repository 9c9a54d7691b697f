"""The document loop as people live it: an agent asks for a pre-approval letter, the client uploads it from
the browser straight to S3, the ingest turns it into a reviewable version, the coordinator sends it back,
the client uploads a better one (version 2), and the coordinator approves it."""

from __future__ import annotations

from tests.support.uploads import PDF, Uploader, ingest, object_exists, post_to_s3

AGENT = "alex.agent@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
CLIENT = "bianca.buyer@mail.example"


def user_id(api, deal: str, email: str) -> str:
    parties = api.get(f"/v1/deals/{deal}", as_user=AGENT).json["parties"]
    return next(p["user_id"] for p in parties if p["email"] == email)


def request_for_client(api, deal: str, **fields) -> dict:
    body = {
        "type": "pre_approval_letter",
        "label": "Pre-approval letter",
        "target_user_ids": [user_id(api, deal, CLIENT)],
        **fields,
    }
    reply = api.post(f"/v1/deals/{deal}/document-requests", body, as_user=AGENT)
    assert reply.status == 201, reply.json
    return reply.json


def the_request(api, deal: str, request_id: str, as_user: str = CLIENT) -> dict:
    listed = api.get(f"/v1/deals/{deal}/document-requests", as_user=as_user).json["items"]
    return next(r for r in listed if r["id"] == request_id)


def test_request_upload_reject_reupload_approve(api, park, storage):
    # Given an agent's request addressed to the client
    request = request_for_client(api, park)
    assert request["status"] == "requested" and request["accepted_types"] == [
        "application/pdf",
        "image/jpeg",
        "image/png",
    ]
    client = Uploader(api, park, request["id"], CLIENT)

    # When the client's browser POSTs the file to the form's URL, and the ingest runs
    form = client.upload(PDF, file_name="Pre-approval – First Harbor.pdf")
    assert set(form) >= {"url", "fields", "expires_at", "max_bytes"}
    assert ingest() == 1

    # Then the request is submitted with version 1, and it waits in the org's review queue
    seen = the_request(api, park, request["id"])
    assert seen["status"] == "submitted"
    [v1] = seen["documents"]
    assert v1["version"] == 1 and v1["status"] == "submitted" and v1["size"] == len(PDF)
    assert v1["file_name"] == "Pre-approval – First Harbor.pdf" and v1["content_type"] == "application/pdf"
    queue = api.get("/v1/admin/review-queue", as_user=COORDINATOR).json["items"]
    assert [d["id"] for d in queue] == [v1["id"]] and queue[0]["label"] == "Pre-approval letter"

    # When the coordinator rejects it with a reason
    rejected = api.post(
        f"/v1/deals/{park}/documents/{v1['id']}/review",
        {
            "decision": "reject",
            "reason_code": "unsigned",
            "reason": "The letter needs the lender's signature.",
        },
        as_user=COORDINATOR,
    )
    assert rejected.status == 200, rejected.json
    # Then the client sees the request back with the reason, and the queue is empty
    seen = the_request(api, park, request["id"])
    assert seen["status"] == "rejected"
    assert seen["rejection"]["reason_code"] == "unsigned"
    assert seen["rejection"]["reason"] == "The letter needs the lender's signature."
    assert api.get("/v1/admin/review-queue", as_user=COORDINATOR).json["items"] == []

    # When the client uploads a signed letter
    client.upload(PDF + b"% signed by the lender\n", file_name="Pre-approval signed.pdf")
    assert ingest() == 1
    seen = the_request(api, park, request["id"])
    assert seen["status"] == "submitted" and "rejection" not in seen
    assert [(d["version"], d["status"]) for d in seen["documents"]] == [(1, "rejected"), (2, "submitted")]
    v2 = seen["documents"][1]

    # And the coordinator approves version 2
    approved = api.post(
        f"/v1/deals/{park}/documents/{v2['id']}/review", {"decision": "approve"}, as_user=COORDINATOR
    )
    assert approved.status == 200 and approved.json["request"]["status"] == "approved"
    seen = the_request(api, park, request["id"])
    assert seen["status"] == "approved" and seen["documents"][1]["status"] == "approved"

    # And the workspace shows the same, and the activity log tells the story
    workspace = api.get(f"/v1/deals/{park}", as_user=CLIENT).json
    [shown] = [r for r in workspace["document_requests"] if r["id"] == request["id"]]
    assert shown["status"] == "approved" and len(shown["documents"]) == 2
    types = [e["type"] for e in api.get(f"/v1/deals/{park}/activity", as_user=CLIENT).json["items"]]
    assert types[:5] == [
        "document.approved",
        "document.submitted",
        "document.upload_form_issued",
        "document.rejected",
        "document.submitted",
    ]
    assert object_exists(v1_key(form))


def v1_key(form: dict) -> str:
    return str(form["fields"]["key"])


def test_the_form_pins_key_type_size_and_encryption(api, park, storage):
    request = request_for_client(api, park, max_bytes=1000)
    reply = Uploader(api, park, request["id"], CLIENT).form("../../etc/My letter.pdf")
    assert reply.status == 201
    fields = reply.json["fields"]
    org = api.get(f"/v1/deals/{park}", as_user=AGENT).json["org_id"]
    prefix = f"orgs/{org}/deals/{park}/requests/{request['id']}/"
    assert fields["key"].startswith(prefix) and "letter" not in fields["key"].lower()
    assert fields["Content-Type"] == "application/pdf"
    # no encryption field: it would override the bucket's default key, which the deployed bucket refuses
    assert "x-amz-server-side-encryption" not in fields
    assert fields["x-amz-meta-original-name"] == "My%20letter.pdf"
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert reply.json["max_bytes"] == 1000
    import base64
    import json

    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, 1000] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    from datetime import datetime

    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    issued = datetime.fromisoformat(reply.json["expires_at"].replace("Z", "+00:00"))
    assert abs((expires - issued).total_seconds()) <= 1
    assert post_to_s3 is not None


def test_a_clients_first_upload_counts_in_the_activation_funnel(api, park, storage):
    def first_uploads() -> int:
        reply = api.get("/v1/admin/reports/activation", as_user=COORDINATOR)
        assert reply.status == 200
        return int(reply.json["funnel"]["first_upload"])

    before = first_uploads()
    request = request_for_client(api, park)
    client = Uploader(api, park, request["id"], CLIENT)
    client.upload(PDF)
    ingest()
    assert first_uploads() == before + 1
    client.upload(PDF + b"%again\n")  # a second upload is not a first one
    ingest()
    assert first_uploads() == before + 1
