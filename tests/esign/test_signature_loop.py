"""The e-signature loop on the local DocuSign: the agent sends the drafted purchase agreement for
signature, the envelope carries the deal's buyers then the agent, Connect reports the outcome, and the
signed PDF comes back as a new version through the upload ingest — or a decline or void is recorded and
the coordinator told."""

from __future__ import annotations

import base64

from chalicelib.config import settings
from devstack.fake_docusign import ACCOUNT_ID, SIGNED_TRAILER
from tests.esign.helpers import (
    AGENT,
    CLIENT,
    CO_CLIENT,
    COORDINATOR,
    DRAFT,
    connect,
    drafted_agreement,
    org_of,
    signature_path,
    versions,
)
from tests.support.notify import notifications_of
from tests.support.uploads import ingest, s3


def send(api, park, request_id, email=AGENT):
    return api.post(signature_path(park, request_id), as_user=email)


def test_send_sign_and_file_the_signed_copy(api, park, docusign, outbox):
    # Given a drafted purchase agreement (version 1)
    request = drafted_agreement(api, park)

    # When the agent sends it for signature
    sent = send(api, park, request["id"])

    # Then one envelope went out with the draft, the buyers signing first (together), then the agent
    assert sent.status == 201, sent.json
    assert sent.json["status"] == "out_for_signature" and sent.json["provider"] == "docusign"
    assert [(s["role"], s["order"]) for s in sent.json["signers"]] == [
        ("client", 1),
        ("co_client", 1),
        ("agent", 2),
    ]
    [envelope] = docusign.envelopes.values()
    assert envelope.document == DRAFT
    assert envelope.body["status"] == "sent"
    assert [(s["email"], s["routingOrder"]) for s in envelope.signers] == [
        (CLIENT, "1"),
        (CO_CLIENT, "1"),
        (AGENT, "2"),
    ]
    assert docusign.grants == 1  # the JWT grant, verified by the fake with the integration's public key
    assert ("POST", f"/restapi/v2.1/accounts/{ACCOUNT_ID}/envelopes") in docusign.calls
    # the client sees it is out for signature
    seen = api.get(signature_path(park, request["id"]), as_user=CLIENT)
    assert seen.status == 200 and seen.json["status"] == "out_for_signature"

    # When everyone has signed and Connect says so
    docusign.complete(envelope.envelope_id)
    reply = connect(api, docusign, org_of(api, park), envelope.envelope_id, "envelope-completed")

    # Then the request is signed, and the signed PDF is ingested like an upload: version 2, awaiting review
    assert reply.status == 200 and reply.json == {"outcome": "applied"}
    assert ingest() == 1
    signed = api.get(signature_path(park, request["id"]), as_user=CLIENT).json
    assert signed["status"] == "signed" and "finished_at" in signed
    v1, v2 = versions(api, park, request["id"], CLIENT)
    assert (v1["status"], v2["status"], v2["version"]) == ("superseded", "submitted", 2)
    assert (
        v2["content_type"] == "application/pdf"
        and v2["file_name"] == "Fully signed purchase agreement (signed).pdf"
    )
    assert v2["size"] == len(DRAFT + SIGNED_TRAILER)
    # the upload route follows the signed copy like any upload
    upload = api.get(f"/v1/deals/{park}/uploads/{signed['signed_upload_id']}", as_user=COORDINATOR).json
    assert upload["status"] == "accepted" and upload["document_id"] == v2["id"]
    # the client downloads exactly what DocuSign returned
    link = api.get(f"/v1/deals/{park}/documents/{v2['id']}/download", as_user=CLIENT)
    assert link.status == 200
    key = f"orgs/{org_of(api, park)}/deals/{park}/requests/{request['id']}/{signed['signed_upload_id']}"
    stored = s3().get_object(Bucket=settings().documents_bucket, Key=key)["Body"].read()
    assert stored == DRAFT + SIGNED_TRAILER
    # and the signers were told it went out (in-app), the team that it was signed
    outbox.run()
    assert any(n.event_type == "document.sent_for_signature" for n in notifications_of(CLIENT))
    assert any(n.event_type == "document.signed" for n in notifications_of(COORDINATOR))


def test_a_duplicated_completion_changes_nothing_twice(api, park, docusign):
    request = drafted_agreement(api, park)
    envelope_id = send(api, park, request["id"]).json and next(iter(docusign.envelopes))
    org = org_of(api, park)
    assert connect(api, docusign, org, envelope_id, "envelope-completed").json == {"outcome": "applied"}

    # When Connect delivers the same notification again (it retries until it hears a 2xx)
    again = connect(api, docusign, org, envelope_id, "envelope-completed")

    # Then nothing changes twice: one new version, one `document.signed`
    assert again.status == 200 and again.json == {"outcome": "duplicate"}
    assert ingest() == 1
    assert [v["version"] for v in versions(api, park, request["id"])] == [1, 2]
    log = api.get(f"/v1/deals/{park}/activity?limit=100", as_user=COORDINATOR).json["items"]
    assert [e["type"] for e in log].count("document.signed") == 1


def test_a_completion_whose_file_never_reached_the_bucket_is_finished_by_the_retry(api, park, docusign):
    request = drafted_agreement(api, park)
    send(api, park, request["id"])
    [envelope_id] = docusign.envelopes
    org = org_of(api, park)
    # Given a first delivery whose download failed: nothing is recorded, Connect is asked to retry
    docusign.fail_next["download"] = 500
    failed = connect(api, docusign, org, envelope_id, "envelope-completed")
    assert failed.status == 503 and failed.error_code == "retry_later"
    assert api.get(signature_path(park, request["id"]), as_user=AGENT).json["status"] == "out_for_signature"
    # When Connect retries
    assert connect(api, docusign, org, envelope_id, "envelope-completed").json == {"outcome": "applied"}
    # Then the signed copy is filed once
    assert ingest() == 1
    assert [v["version"] for v in versions(api, park, request["id"])] == [1, 2]


def test_a_declined_envelope_is_recorded_with_the_reason_and_the_coordinator_told(
    api, park, docusign, outbox
):
    request = drafted_agreement(api, park)
    send(api, park, request["id"])
    [envelope_id] = docusign.envelopes
    org = org_of(api, park)

    reply = connect(
        api, docusign, org, envelope_id, "envelope-declined", reason="The price is wrong on page 2"
    )
    again = connect(
        api, docusign, org, envelope_id, "envelope-declined", reason="The price is wrong on page 2"
    )

    assert reply.json == {"outcome": "applied"} and again.json == {"outcome": "duplicate"}
    staff_view = api.get(signature_path(park, request["id"]), as_user=COORDINATOR).json
    assert staff_view["status"] == "declined" and staff_view["reason"] == "The price is wrong on page 2"
    client_view = api.get(signature_path(park, request["id"]), as_user=CLIENT).json
    assert client_view["status"] == "declined" and "reason" not in client_view  # staff-only
    assert ingest() == 0 and [v["version"] for v in versions(api, park, request["id"])] == [
        1
    ]  # nothing filed
    outbox.run()
    told = [n for n in notifications_of(COORDINATOR) if n.event_type == "document.signature_declined"]
    assert {n.channel for n in told} == {"email", "in_app"}
    assert "The price is wrong on page 2" in str(told[0].message)
    log = api.get(f"/v1/deals/{park}/activity?limit=100", as_user=COORDINATOR).json["items"]
    assert [e["type"] for e in log].count("document.signature_declined") == 1
    # and the document may be sent again: a second envelope
    assert send(api, park, request["id"]).status == 201
    assert len(docusign.envelopes) == 2


def test_a_voided_envelope_is_recorded_and_the_coordinator_told(api, park, docusign, outbox):
    request = drafted_agreement(api, park)
    send(api, park, request["id"])
    [envelope_id] = docusign.envelopes

    reply = connect(
        api, docusign, org_of(api, park), envelope_id, "envelope-voided", reason="Offer withdrawn"
    )

    assert reply.json == {"outcome": "applied"}
    view = api.get(signature_path(park, request["id"]), as_user=COORDINATOR).json
    assert view["status"] == "voided" and view["reason"] == "Offer withdrawn"
    outbox.run()
    assert any(n.event_type == "document.signature_voided" for n in notifications_of(COORDINATOR))


def test_staff_void_through_the_api_and_the_provider_echo_changes_nothing(api, park, docusign):
    request = drafted_agreement(api, park)
    send(api, park, request["id"])
    [envelope] = docusign.envelopes.values()

    voided = api.post(
        signature_path(park, request["id"]) + "/void", {"reason": "Wrong draft attached"}, as_user=AGENT
    )

    assert voided.status == 200 and voided.json["status"] == "voided"
    assert envelope.status == "voided" and envelope.voided_reason == "Wrong draft attached"
    echo = connect(
        api, docusign, org_of(api, park), envelope.envelope_id, "envelope-voided", reason="Wrong draft"
    )
    assert echo.json == {"outcome": "duplicate"}


def test_the_envelope_carries_the_document_as_base64_pdf(api, park, docusign):
    request = drafted_agreement(api, park)
    send(api, park, request["id"])
    [envelope] = docusign.envelopes.values()
    [document] = envelope.body["documents"]
    assert base64.b64decode(document["documentBase64"]).startswith(b"%PDF")
    assert document["fileExtension"] == "pdf" and document["documentId"] == "1"
