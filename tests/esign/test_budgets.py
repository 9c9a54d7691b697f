"""Request budgets of the e-signature routes, counted in DynamoDB calls (docs/ESIGN.md, "Budgets")."""

from __future__ import annotations

from tests.esign.helpers import AGENT, CLIENT, connect, drafted_agreement, org_of, signature_path


def test_sending_for_signature_is_two_reads_and_two_writes_after_the_caller(api, park, docusign, ddb_calls):
    request = drafted_agreement(api, park)
    ddb_calls.reset()
    assert api.post(signature_path(park, request["id"]), as_user=AGENT).status == 201
    # the caller; deal + parties + requests + versions (one Query); the signature; the intent, then the
    # envelope recorded (the provider is called between the two transactions)
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1, "TransactWriteItems": 2}


def test_reading_a_signature_is_one_getitem_after_authorization(api, park, docusign, ddb_calls):
    request = drafted_agreement(api, park)
    api.post(signature_path(park, request["id"]), as_user=AGENT)
    ddb_calls.reset()
    assert api.get(signature_path(park, request["id"]), as_user=CLIENT).status == 200
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1}


def test_a_connect_notification_is_three_reads_and_one_write(api, park, docusign, ddb_calls):
    request = drafted_agreement(api, park)
    api.post(signature_path(park, request["id"]), as_user=AGENT)
    [envelope_id] = docusign.envelopes
    org = org_of(api, park)
    ddb_calls.reset()
    assert connect(api, docusign, org, envelope_id, "envelope-completed").status == 200
    # no caller: the envelope's lookup and the signature (GetItem each), the deal's documents (one Query),
    # then one transaction (signed + the upload form + the event)
    assert ddb_calls.by_operation() == {"GetItem": 2, "Query": 1, "TransactWriteItems": 1}

    ddb_calls.reset()
    assert connect(api, docusign, org, envelope_id, "envelope-completed").json == {"outcome": "duplicate"}
    # a duplicate: the two lookups, and the form to see whether the file still has to be written
    assert ddb_calls.by_operation() == {"GetItem": 3}


def test_a_refused_notification_reads_nothing_from_the_table(api, park, docusign, ddb_calls):
    org = org_of(api, park)
    ddb_calls.reset()
    body = b'{"event": "envelope-completed", "data": {"envelopeId": "x"}}'
    reply = api.request(
        "POST",
        f"/v1/integrations/docusign/connect/{org}",
        body=body,
        headers={"X-DocuSign-Signature-1": "AAAA"},
    )
    assert reply.status == 401
    assert ddb_calls.by_operation() == {}
