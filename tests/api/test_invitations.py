"""The invitation lifecycle: issued with the party, accepted once by the invitee, resent, revoked."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

from chalicelib import clock
from chalicelib.config import settings
from tests.support.demo import RIVAL_ADMIN
from tests.support.mailbox import Mailbox

AGENT = "alex.agent@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
OTHER_AGENT = "avery.agent@harbormain.example"
RIVAL_COORDINATOR = "rory.coord@rivalrealty.example"
CLIENT = "bianca.buyer@mail.example"
INVITEE = "new.lender@example.com"


@pytest.fixture
def mailbox(seeded) -> Mailbox:
    return Mailbox()


def _invite(api, deal: str, email: str = INVITEE, role: str = "lender") -> dict:
    reply = api.post(f"/v1/deals/{deal}/parties", {"email": email, "role": role}, as_user=AGENT)
    assert reply.status == 201, reply.json
    return reply.json


def _party(api, deal: str, user_id: str) -> dict:
    parties = api.get(f"/v1/deals/{deal}", as_user=AGENT).json["parties"]
    return next(p for p in parties if p["user_id"] == user_id)


def _all_items() -> list[dict]:
    client = boto3.client("dynamodb", region_name=settings().region)
    items: list[dict] = []
    for page in client.get_paginator("scan").paginate(TableName=settings().table_name):
        items += page["Items"]
    return items


def test_inviting_a_party_emails_a_single_use_link_whose_token_is_stored_nowhere(seeded, api, mailbox):
    deal = seeded.deals["park_purchase"].deal_id
    party = _invite(api, deal)
    assert party["status"] == "invited" and party["invitation_id"].startswith("inv_")

    [email] = mailbox.to(INVITEE)
    assert f"{settings().portal_url}/invitations/" in email.body
    token = mailbox.invitation_token(INVITEE)
    # the token is in the email only: not in the answer, the activity log, or any item of the table
    assert token not in str(party)
    assert token not in str(api.get(f"/v1/deals/{deal}/activity", as_user=AGENT).json)
    assert token not in str(_all_items())
    event = api.get(f"/v1/deals/{deal}/activity", as_user=AGENT).json["items"][0]
    assert event["type"] == "party.invited" and event["data"]["invitation_id"] == party["invitation_id"]


def test_the_invitee_accepts_and_reaches_the_deal_once(seeded, api, mailbox, ddb_calls):
    deal = seeded.deals["park_purchase"].deal_id
    party = _invite(api, deal)
    token = mailbox.invitation_token(INVITEE)
    assert api.get(f"/v1/deals/{deal}", as_user=INVITEE).status == 404  # not before accepting

    ddb_calls.reset()
    accepted = api.post(f"/v1/invitations/{token}/accept", as_user=INVITEE)
    assert accepted.status == 200, accepted.json
    assert accepted.json == {
        "invitation_id": party["invitation_id"],
        "deal_id": deal,
        "role": "lender",
        "status": "active",
    }
    # caller, invitation by token, deal + parties, one transaction
    assert ddb_calls.by_operation() == {"Query": 3, "TransactWriteItems": 1}
    assert api.get(f"/v1/deals/{deal}", as_user=INVITEE).status == 200
    assert deal in {d["id"] for d in api.get("/v1/deals", as_user=INVITEE).json["items"]}
    log = api.get(f"/v1/deals/{deal}/activity", as_user=AGENT).json["items"]
    assert [e["type"] for e in log[:2]] == ["party.first_visit", "party.accepted"]
    assert log[1]["actor"]["user_id"] == party["user_id"]

    reused = api.post(f"/v1/invitations/{token}/accept", as_user=INVITEE)
    assert reused.status == 409 and reused.error_code == "invitation_already_used"


def test_someone_else_cannot_accept_an_invitation_and_nothing_is_written(seeded, api, mailbox):
    deal = seeded.deals["park_purchase"].deal_id
    party = _invite(api, deal)
    token = mailbox.invitation_token(INVITEE)

    for intruder in ("someone.else@example.com", CLIENT, AGENT):
        reply = api.post(f"/v1/invitations/{token}/accept", as_user=intruder)
        assert reply.status == 403 and reply.error_code == "invitation_email_mismatch", intruder
    assert _party(api, deal, party["user_id"])["status"] == "invited"
    # the rightful invitee still can
    assert api.post(f"/v1/invitations/{token}/accept", as_user=INVITEE).status == 200


def test_an_invitation_expires_after_seven_days(seeded, api, mailbox):
    deal = seeded.deals["park_purchase"].deal_id
    party = _invite(api, deal)
    token = mailbox.invitation_token(INVITEE)

    clock.freeze(clock.now() + timedelta(days=7, seconds=1))
    reply = api.post(f"/v1/invitations/{token}/accept", as_user=INVITEE)
    assert reply.status == 409 and reply.error_code == "invitation_expired"
    assert _party(api, deal, party["user_id"])["status"] == "invited"

    # ops resend it: a fresh 7 days from now
    resent = api.post(f"/v1/admin/invitations/{party['invitation_id']}/resend", as_user=COORDINATOR)
    assert resent.status == 200
    assert (
        api.post(f"/v1/invitations/{mailbox.invitation_token(INVITEE)}/accept", as_user=INVITEE).status == 200
    )


def test_resending_kills_the_old_link(seeded, api, mailbox):
    deal = seeded.deals["park_purchase"].deal_id
    party = _invite(api, deal)
    old = mailbox.invitation_token(INVITEE)

    resent = api.post(f"/v1/admin/invitations/{party['invitation_id']}/resend", as_user=COORDINATOR)
    assert resent.status == 200
    assert resent.json["sent_count"] == 2 and resent.json["status"] == "pending"
    assert len(mailbox.to(INVITEE)) == 2
    new = mailbox.invitation_token(INVITEE)
    assert new != old

    dead = api.post(f"/v1/invitations/{old}/accept", as_user=INVITEE)
    assert dead.status == 404 and dead.error_code == "invitation_not_found"
    assert api.post(f"/v1/invitations/{new}/accept", as_user=INVITEE).status == 200
    event = next(
        e
        for e in api.get(f"/v1/deals/{deal}/activity", as_user=AGENT).json["items"]
        if e["type"] == "invitation.resent"
    )
    assert event["actor"]["label"] == "Cora Diaz" and event["data"]["invitation_id"] == party["invitation_id"]
    # an accepted invitation cannot be resent
    again = api.post(f"/v1/admin/invitations/{party['invitation_id']}/resend", as_user=COORDINATOR)
    assert again.status == 409 and again.error_code == "invitation_already_used"


def test_revoking_an_invitation_kills_the_link_and_the_invited_party(seeded, api, mailbox):
    deal = seeded.deals["park_purchase"].deal_id
    party = _invite(api, deal)
    token = mailbox.invitation_token(INVITEE)

    revoked = api.delete(
        f"/v1/admin/invitations/{party['invitation_id']}?reason=wrong%20lender", as_user=COORDINATOR
    )
    assert revoked.status == 200 and revoked.json["status"] == "revoked"
    reply = api.post(f"/v1/invitations/{token}/accept", as_user=INVITEE)
    assert reply.status == 409 and reply.error_code == "invitation_revoked"
    assert _party(api, deal, party["user_id"])["status"] == "revoked"
    event = api.get(f"/v1/deals/{deal}/activity", as_user=AGENT).json["items"][0]
    assert event["type"] == "invitation.revoked" and event["data"]["reason"] == "wrong lender"
    assert event["actor"]["label"] == "Cora Diaz"

    # invited again later: a new invitation, and only the new link works
    again = _invite(api, deal)
    assert again["invitation_id"] != party["invitation_id"]
    assert api.post(f"/v1/invitations/{token}/accept", as_user=INVITEE).error_code == "invitation_revoked"
    assert (
        api.post(f"/v1/invitations/{mailbox.invitation_token(INVITEE)}/accept", as_user=INVITEE).status == 200
    )


def test_revoking_the_invited_party_kills_the_link(seeded, api, mailbox):
    deal = seeded.deals["park_purchase"].deal_id
    party = _invite(api, deal)
    token = mailbox.invitation_token(INVITEE)
    assert api.delete(f"/v1/deals/{deal}/parties/{party['user_id']}", as_user=AGENT).status == 200
    reply = api.post(f"/v1/invitations/{token}/accept", as_user=INVITEE)
    assert reply.status == 409 and reply.error_code == "invitation_revoked"


def test_resend_and_revoke_are_for_ops_of_the_org_only(seeded, api, mailbox):
    deal = seeded.deals["park_purchase"].deal_id
    invitation = _invite(api, deal)["invitation_id"]
    for who, status in ((OTHER_AGENT, 403), (CLIENT, 404), (RIVAL_COORDINATOR, 404), (RIVAL_ADMIN, 404)):
        assert api.post(f"/v1/admin/invitations/{invitation}/resend", as_user=who).status == status, who
        assert api.delete(f"/v1/admin/invitations/{invitation}", as_user=who).status == status, who
    assert len(mailbox.to(INVITEE)) == 1
    assert api.post("/v1/admin/invitations/inv_nope/resend", as_user=COORDINATOR).status == 404


def test_a_mangled_link_is_a_404_without_a_lookup(seeded, api, ddb_calls):
    ddb_calls.reset()
    reply = api.post("/v1/invitations/not-a-token/accept", as_user=INVITEE)
    assert reply.status == 404 and reply.error_code == "invitation_not_found"
    assert ddb_calls.by_operation().get("Query", 0) <= 1  # only the caller


def test_accepting_needs_a_signed_in_user(seeded, api, mailbox):
    deal = seeded.deals["park_purchase"].deal_id
    _invite(api, deal)
    reply = api.post(f"/v1/invitations/{mailbox.invitation_token(INVITEE)}/accept")
    assert reply.status == 401


def test_the_invitation_page_can_be_shown_before_sign_in(seeded, api, mailbox, ddb_calls):
    deal = seeded.deals["park_purchase"].deal_id
    _invite(api, deal)
    token = mailbox.invitation_token(INVITEE)
    ddb_calls.reset()
    reply = api.get(f"/v1/invitations/{token}")
    assert reply.status == 200
    assert ddb_calls.by_operation() == {"Query": 2}  # the invitation by token, the deal's title
    assert reply.json == {
        "status": "pending",
        "role": "lender",
        "deal_title": "Reyes purchase — 14 Elm St",
        "email_hint": "n***@example.com",
        "valid_until": reply.json["valid_until"],
    }
    assert api.get("/v1/invitations/garbage").status == 404
    assert api.post(f"/v1/invitations/{token}/accept", as_user=INVITEE).status == 200
    assert api.get(f"/v1/invitations/{token}").json["status"] == "accepted"


def test_a_withdrawal_reason_is_bounded(seeded, api, mailbox):
    invitation = _invite(api, seeded.deals["park_purchase"].deal_id)["invitation_id"]
    reply = api.delete(f"/v1/admin/invitations/{invitation}?reason={'x' * 1001}", as_user=COORDINATOR)
    assert reply.status == 422 and reply.error_code == "invalid_reason"
    assert api.delete(f"/v1/admin/invitations/{invitation}", as_user=COORDINATOR).status == 200
