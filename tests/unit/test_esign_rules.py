"""E-signature rules without the emulator (chalicelib/domain/esign.py): who signs in which order, the
webhook's HMAC, what a Connect message means, and the template's `signers` validation."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from chalicelib.domain import workflows
from chalicelib.domain.entities import DocumentRequest, Party
from chalicelib.domain.errors import Conflict
from chalicelib.domain.esign import (
    Signature,
    SignatureStatus,
    SignerRule,
    may_see,
    may_send,
    read_connect,
    signature_valid,
    signers_for,
)
from chalicelib.domain.roles import PartyRole, PartyStatus, Visibility
from chalicelib.domain.workflows import TemplateError, validate

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def party(user_id: str, role: PartyRole, status: PartyStatus = PartyStatus.ACTIVE) -> Party:
    return Party(
        "dl_x", "o_x", user_id, f"{user_id}@mail.example", role, status, NOW, "u_agent", name=user_id
    )


PARTIES = [
    party("agent", PartyRole.AGENT),
    party("buyer", PartyRole.CLIENT),
    party("lender", PartyRole.LENDER),
    party("cobuyer", PartyRole.CO_CLIENT),
    party("gone", PartyRole.CLIENT, PartyStatus.REVOKED),
]


def test_signers_follow_the_templates_order_and_skip_revoked_parties():
    rules = (SignerRule("agent", 2), SignerRule("client", 1), SignerRule("co_client", 1))
    assert [(p.user_id, order) for p, order in signers_for(rules, PARTIES)] == [
        ("buyer", 1),
        ("cobuyer", 1),
        ("agent", 2),
    ]


def test_without_signers_in_the_template_the_clients_sign_together():
    assert [(p.user_id, o) for p, o in signers_for((), PARTIES)] == [("buyer", 1), ("cobuyer", 1)]


def test_a_deal_without_anyone_to_sign_is_refused_naming_the_roles():
    with pytest.raises(Conflict) as refused:
        signers_for((SignerRule("title", 1),), PARTIES)
    assert refused.value.code == "no_signers" and refused.value.details == {"roles": ["title"]}


def request(visibility: Visibility, audience: list[str]) -> DocumentRequest:
    return DocumentRequest(
        "dl_x", "rq_x", "id", "Photo ID", "submitted", visibility, NOW, restricted_to=audience
    )


def test_every_signer_must_be_able_to_see_the_document_the_provider_emails_them():
    chosen = signers_for((SignerRule("client", 1), SignerRule("agent", 2)), PARTIES)
    may_see(request(Visibility.PARTIES, []), chosen)
    may_see(request(Visibility.RESTRICTED, ["buyer"]), chosen)  # the agent is staff: sees it anyway
    with pytest.raises(Conflict) as refused:
        may_see(request(Visibility.INTERNAL, []), chosen)
    assert refused.value.code == "signer_cannot_see_document" and refused.value.details == {
        "user_ids": ["buyer"]
    }
    with pytest.raises(Conflict):
        may_see(request(Visibility.RESTRICTED, ["lender"]), chosen)


def sig(status: SignatureStatus) -> Signature:
    return Signature("dl_x", "rq_x", "o_x", "sg_x", status.value, "docusign", "dc_x", [], "u_x", NOW)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (SignatureStatus.OUT_FOR_SIGNATURE, "already_out_for_signature"),
        (SignatureStatus.SIGNED, "already_signed"),
    ],
)
def test_a_request_is_out_for_signature_once_at_a_time(status, code):
    with pytest.raises(Conflict) as refused:
        may_send(sig(status))
    assert refused.value.code == code


@pytest.mark.parametrize("status", [SignatureStatus.DECLINED, SignatureStatus.VOIDED, SignatureStatus.FAILED])
def test_a_declined_voided_or_failed_signature_may_be_sent_again(status):
    may_send(sig(status))
    may_send(None)


def connect_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_the_webhook_signature_is_the_base64_hmac_of_the_raw_body_with_any_active_key():
    body = b'{"event":"envelope-completed"}'
    assert signature_valid(["old", "new"], body, ["", connect_signature("new", body)])
    assert not signature_valid(["old", "new"], body, [connect_signature("other", body)])
    assert not signature_valid(["old"], body + b" ", [connect_signature("old", body)])
    assert not signature_valid(["old"], body, [])
    assert not signature_valid([], body, [connect_signature("", body)])


def message(event: str, **summary) -> bytes:
    return json.dumps({"event": event, "data": {"envelopeId": "env-1", "envelopeSummary": summary}}).encode()


def test_connect_messages_are_read_with_their_reasons():
    declined = read_connect(
        message(
            "envelope-declined", recipients={"signers": [{"status": "completed"}, {"declinedReason": "No"}]}
        )
    )
    assert declined is not None and (declined.event, declined.envelope_id, declined.reason) == (
        "envelope-declined",
        "env-1",
        "No",
    )
    voided = read_connect(message("envelope-voided", voidedReason="Withdrawn"))
    assert voided is not None and voided.reason == "Withdrawn"
    completed = read_connect(message("envelope-completed"))
    assert completed is not None and completed.reason is None


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"event": "envelope-sent", "data": {"envelopeId": "e"}}',
        b'{"event": "envelope-completed"}',
    ],
)
def test_other_or_unreadable_messages_are_nothing_to_act_on(body):
    assert read_connect(body) is None


def test_the_purchase_agreement_names_its_signers_and_a_template_with_unknown_signers_is_refused():
    purchase = workflows.latest("purchase")
    agreement = next(d for d in purchase.documents if d.key == "purchase_agreement")
    assert [(r.role, r.order) for r in agreement.signers] == [("client", 1), ("co_client", 1), ("agent", 2)]
    wrong = dataclasses.replace(agreement, signers=(SignerRule("notary", 1), SignerRule("client", 0)))
    documents = tuple(wrong if d.key == "purchase_agreement" else d for d in purchase.documents)
    with pytest.raises(TemplateError) as refused:
        validate(dataclasses.replace(purchase, documents=documents))
    assert refused.value.problems == [
        "document 'purchase_agreement' has unknown signer role 'notary'",
        "document 'purchase_agreement' has a signer order below 1",
    ]
