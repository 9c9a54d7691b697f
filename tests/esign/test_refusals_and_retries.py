"""Who may send for signature, what the public webhook refuses, and retries that never make a second
envelope (docs/ESIGN.md)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from devstack.fake_docusign import FakeDocuSign
from tests.esign.conftest import configure
from tests.esign.helpers import (
    AGENT,
    CLIENT,
    COORDINATOR,
    RIVAL_COORDINATOR,
    connect,
    drafted_agreement,
    org_of,
    signature_path,
)
from tests.support.uploads import ingest, object_exists


def activity_types(api, park) -> list[str]:
    return [
        e["type"] for e in api.get(f"/v1/deals/{park}/activity?limit=100", as_user=COORDINATOR).json["items"]
    ]


def test_a_client_cannot_send_for_signature_and_nothing_is_written(api, park, docusign):
    request = drafted_agreement(api, park)
    before = activity_types(api, park)

    refused = api.post(signature_path(park, request["id"]), as_user=CLIENT)

    assert refused.status == 403 and refused.error_code == "forbidden"
    assert docusign.envelopes == {}
    assert api.get(signature_path(park, request["id"]), as_user=COORDINATOR).error_code == "no_signature"
    assert activity_types(api, park) == before


def test_another_orgs_deal_is_not_found_and_nothing_is_written(api, park, docusign):
    request = drafted_agreement(api, park)

    for method in ("POST", "GET"):
        refused = api.request(method, signature_path(park, request["id"]), as_user=RIVAL_COORDINATOR)
        assert refused.status == 404 and refused.error_code == "not_found"
    assert docusign.envelopes == {}
    assert api.get(signature_path(park, request["id"]), as_user=COORDINATOR).status == 404


def test_a_request_without_a_document_cannot_be_sent(api, park, docusign):
    reply = api.post(
        f"/v1/deals/{park}/document-requests", {"template_key": "purchase_agreement"}, as_user=AGENT
    )
    refused = api.post(signature_path(park, reply.json["id"]), as_user=AGENT)
    assert refused.status == 409 and refused.error_code == "no_document"
    assert docusign.envelopes == {}


def test_an_org_without_e_signature_is_told_so(api, park, docusign):
    request = drafted_agreement(api, park)
    configure(org_of(api, park), {"provider": "docusign"})  # incomplete: unusable
    refused = api.post(signature_path(park, request["id"]), as_user=AGENT)
    assert refused.status == 409 and refused.error_code == "esign_not_configured"
    assert api.get(signature_path(park, request["id"]), as_user=COORDINATOR).status == 404


def test_a_bad_signature_is_refused_revealing_nothing_and_writing_nothing(api, park, docusign):
    request = drafted_agreement(api, park)
    api.post(signature_path(park, request["id"]), as_user=AGENT)
    [envelope_id] = docusign.envelopes
    org = org_of(api, park)
    before = activity_types(api, park)
    body = docusign.connect_message(envelope_id, "envelope-completed")

    forged = connect(
        api,
        docusign,
        org,
        envelope_id,
        "envelope-completed",
        headers=docusign.connect_headers(body, ("guessed",)),
    )
    unsigned = api.request("POST", f"/v1/integrations/docusign/connect/{org}", body=body)
    unknown_org = api.request(
        "POST",
        "/v1/integrations/docusign/connect/o_" + "a" * 26,
        body=body,
        headers=docusign.connect_headers(body),
    )
    # a signature over other bytes (the body was changed on the way)
    tampered = api.request(
        "POST",
        f"/v1/integrations/docusign/connect/{org}",
        body=body + b" ",
        headers=docusign.connect_headers(body),
    )

    for reply in (forged, unsigned, unknown_org, tampered):
        assert reply.status == 401
        assert reply.json == {
            "error": {"code": "invalid_signature", "message": "the notification's signature is not valid"}
        }
    assert api.get(signature_path(park, request["id"]), as_user=AGENT).json["status"] == "out_for_signature"
    assert activity_types(api, park) == before
    assert ingest() == 0


def test_rotated_connect_keys_are_all_accepted(api, park, docusign):
    request = drafted_agreement(api, park)
    api.post(signature_path(park, request["id"]), as_user=AGENT)
    [envelope_id] = docusign.envelopes
    org = org_of(api, park)
    # Given the org lists its old and its new Connect key
    configure(org, {**docusign.configuration(), "connect_hmac_secrets": ["old-key", "new-key"]})
    body = docusign.connect_message(envelope_id, "envelope-voided", reason="Rotation test")
    # When Connect signs with the new key only (as -1) and an unknown one (as -2)
    headers = docusign.connect_headers(body, ("new-key", "something-else"))
    reply = api.request("POST", f"/v1/integrations/docusign/connect/{org}", body=body, headers=headers)
    assert reply.status == 200 and reply.json == {"outcome": "applied"}


def test_events_threshold_does_not_act_on_are_acknowledged(api, park, docusign):
    org = org_of(api, park)
    body = b'{"event": "envelope-sent", "data": {"envelopeId": "x"}}'
    reply = api.request(
        "POST", f"/v1/integrations/docusign/connect/{org}", body=body, headers=docusign.connect_headers(body)
    )
    assert reply.status == 200 and reply.json == {"outcome": "ignored"}
    stranger = connect(api, docusign, org, "00000000-0000-0000-0000-000000000000", "envelope-completed")
    assert stranger.json == {"outcome": "ignored"}


def test_a_repeated_send_makes_no_second_envelope(api, park, docusign):
    request = drafted_agreement(api, park)
    path = signature_path(park, request["id"])
    first = api.post(path, as_user=AGENT, headers={"Idempotency-Key": "send-agreement-1"})
    replay = api.post(path, as_user=AGENT, headers={"Idempotency-Key": "send-agreement-1"})
    again = api.post(path, as_user=COORDINATOR)

    assert (
        first.status == 201 and replay.status == 201 and replay.headers.get("Idempotent-Replayed") == "true"
    )
    assert replay.json == first.json
    assert again.status == 409 and again.error_code == "already_out_for_signature"
    assert len(docusign.envelopes) == 1


def test_a_send_whose_answer_was_lost_is_resumed_without_a_second_envelope(api, park, docusign: FakeDocuSign):
    request = drafted_agreement(api, park)
    path = signature_path(park, request["id"])
    # Given DocuSign created the envelope but its answer never came back
    docusign.fail_next["create_answer"] = 504
    lost = api.post(path, as_user=AGENT)
    assert lost.status == 503 and lost.error_code == "esign_unavailable"
    assert len(docusign.envelopes) == 1
    assert api.get(path, as_user=AGENT).json["status"] == "sending"
    # When the agent retries at once, the first send might still be running: told so
    busy = api.post(path, as_user=AGENT)
    assert busy.status == 409 and busy.error_code == "signature_in_progress"
    # When the agent retries a minute later
    clock.freeze(clock.now() + timedelta(minutes=1))
    resumed = api.post(path, as_user=AGENT)
    # Then the envelope DocuSign already holds is found by its attempt id, not created again
    assert resumed.status == 201 and resumed.json["status"] == "out_for_signature"
    assert len(docusign.envelopes) == 1
    [envelope_id] = docusign.envelopes
    assert connect(api, docusign, org_of(api, park), envelope_id, "envelope-completed").json == {
        "outcome": "applied"
    }


def test_a_refused_envelope_leaves_the_request_free_to_send_again(api, park, docusign):
    request = drafted_agreement(api, park)
    path = signature_path(park, request["id"])
    docusign.fail_next["create"] = 400
    refused = api.post(path, as_user=AGENT)
    assert refused.status == 503 and refused.error_code == "esign_unavailable"
    assert api.get(path, as_user=COORDINATOR).json["status"] == "failed"
    assert docusign.envelopes == {}
    assert api.post(path, as_user=AGENT).status == 201
    assert len(docusign.envelopes) == 1


def test_nothing_of_a_completed_envelope_lands_outside_its_request(api, park, docusign):
    request = drafted_agreement(api, park)
    sent = api.post(signature_path(park, request["id"]), as_user=AGENT).json
    [envelope_id] = docusign.envelopes
    connect(api, docusign, org_of(api, park), envelope_id, "envelope-completed")
    signed = api.get(signature_path(park, request["id"]), as_user=AGENT).json
    key = f"orgs/{org_of(api, park)}/deals/{park}/requests/{request['id']}/{signed['signed_upload_id']}"
    assert object_exists(key) and sent["document_id"] != signed["signed_upload_id"]
