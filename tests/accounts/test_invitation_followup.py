"""Invitees are nudged, typos are fixable: a deal's pending invitations, reminders on day 2 and day 5 then
the coordinator, and ops correcting a misspelled address."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.services import reminders
from chalicelib.store.models import InvitationItem
from tests.accounts.support import ADMIN, AGENT, COORDINATOR, RIVAL_ADMIN, all_items
from tests.support.mailbox import Mailbox
from tests.support.notify import notifications_of
from tests.support.plans import join, open_deal

TYPO = "jon@exmaple.com"
RIGHT = "jon@example.com"
REASON = "Typo in the domain, confirmed by phone"


@pytest.fixture
def mailbox(seeded) -> Mailbox:
    return Mailbox()


def _deal_inviting(api, email: str = TYPO):
    deal = open_deal(
        api,
        "purchase",
        [{"email": email, "role": "client", "name": "Jon Buyer"}],
        {"offer_accepted": "2026-12-01"},
    )
    party = next(p for p in deal["parties"] if p["email"] == email)
    return deal, party


def _pending(api, deal_id: str, as_user: str = COORDINATOR):
    return api.get(f"/v1/deals/{deal_id}/invitations", as_user=as_user)


def test_staff_see_who_has_not_accepted_with_reminders_and_expiry(seeded, api, ddb_calls):
    deal, party = _deal_inviting(api)
    ddb_calls.reset()
    reply = _pending(api, deal["id"])
    assert reply.status == 200, reply.json
    # the caller, the deal and its parties, the invitations (one BatchGetItem)
    assert ddb_calls.by_operation() == {"Query": 2, "BatchGetItem": 1}
    [row] = reply.json["items"]
    assert row["id"] == party["invitation_id"] and row["email"] == TYPO and row["role"] == "client"
    assert row["name"] == "Jon Buyer" and row["reminders_sent"] == 0 and row["expired"] is False
    assert clock.parse_iso(row["expires_at"]) - clock.parse_iso(row["sent_at"]) == timedelta(days=7)

    join(deal["id"], party["user_id"])
    assert _pending(api, deal["id"]).json["items"] == []
    assert _pending(api, deal["id"], as_user=TYPO).status == 403  # a client of the deal
    assert _pending(api, deal["id"], as_user=RIVAL_ADMIN).status == 404


def test_ops_correct_a_misspelled_address_the_old_link_dies_and_a_new_one_goes_out(seeded, api, mailbox):
    deal, party = _deal_inviting(api)
    old_token = mailbox.invitation_token(TYPO)

    reply = api.patch(
        f"/v1/admin/invitations/{party['invitation_id']}",
        {"email": RIGHT, "reason": REASON},
        as_user=COORDINATOR,
    )
    assert reply.status == 200, reply.json
    corrected = reply.json
    assert corrected["email"] == RIGHT and corrected["status"] == "pending"
    assert corrected["id"] != party["invitation_id"]

    # the old link previews and accepts as any dead link does
    assert api.get(f"/v1/invitations/{old_token}").status == 404
    assert api.post(f"/v1/invitations/{old_token}/accept", as_user=TYPO).status == 404
    # the corrected address got its own link, which works
    new_token = mailbox.invitation_token(RIGHT)
    assert api.get(f"/v1/invitations/{new_token}").json["status"] == "pending"
    accepted = api.post(f"/v1/invitations/{new_token}/accept", as_user=RIGHT)
    assert accepted.status == 200, accepted.json
    ws = api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json
    assert {p["email"] for p in ws["parties"]} >= {RIGHT}
    assert TYPO not in {p["email"] for p in ws["parties"] if p["status"] != "revoked"}
    # the client's tasks went with the address
    assert not any(t.get("owner_user_id") == party["user_id"] for t in ws["tasks"] if t["status"] == "open")
    # audited with the reason
    log = api.get(f"/v1/deals/{deal['id']}/activity?limit=20", as_user=COORDINATOR).json["items"]
    event = next(e for e in log if e["type"] == "invitation.corrected")
    assert event["data"]["reason"] == REASON and event["data"]["new_invitation_id"] == corrected["id"]

    # an accepted invitation cannot be corrected
    late = api.patch(
        f"/v1/admin/invitations/{corrected['id']}", {"email": TYPO, "reason": REASON}, as_user=ADMIN
    )
    assert late.status == 409 and late.error_code == "invitation_already_used"


def test_only_ops_of_the_org_correct_an_address_and_a_refusal_writes_nothing(seeded, api, mailbox):
    _, party = _deal_inviting(api)
    path = f"/v1/admin/invitations/{party['invitation_id']}"
    before = len(all_items())
    assert api.patch(path, {"email": RIGHT, "reason": REASON}, as_user=AGENT).status == 403
    assert api.patch(path, {"email": RIGHT, "reason": REASON}, as_user=RIVAL_ADMIN).status == 404
    same = api.patch(path, {"email": TYPO, "reason": REASON}, as_user=COORDINATOR)
    assert same.status == 422 and same.error_code == "same_email"
    bad = api.patch(path, {"email": "nope", "reason": "x"}, as_user=COORDINATOR)
    assert bad.status == 422 and {d["field"] for d in bad.json["error"]["details"]} == {"email", "reason"}
    assert len(all_items()) == before
    assert mailbox.to(RIGHT) == []


def _reminders_to(email: str) -> list[str]:
    return [n.event_type for n in notifications_of(email) if n.event_type == "invitation.reminded"]


def _coordinator_notices() -> list[str]:
    return [n.event_type for n in notifications_of(COORDINATOR) if n.event_type == "invitation.not_accepted"]


def test_an_invitee_is_reminded_on_day_2_and_day_5_then_the_coordinator_is_told_once_each(
    seeded, api, outbox
):
    deal, party = _deal_inviting(api)
    sent_at = clock.parse_iso(_pending(api, deal["id"]).json["items"][0]["sent_at"])

    reminders.sweep(sent_at + timedelta(days=1))
    outbox.run()
    assert _reminders_to(TYPO) == []

    reminders.sweep(sent_at + timedelta(days=2, minutes=1))
    reminders.sweep(sent_at + timedelta(days=2, minutes=16))  # the next sweep sends nothing again
    outbox.run()
    assert _reminders_to(TYPO) == ["invitation.reminded"]
    assert _pending(api, deal["id"]).json["items"][0]["reminders_sent"] == 1

    reminders.sweep(sent_at + timedelta(days=5, minutes=1))
    outbox.run()
    assert _reminders_to(TYPO) == ["invitation.reminded"] * 2
    assert _coordinator_notices() == []

    reminders.sweep(sent_at + timedelta(days=6, minutes=1))
    reminders.sweep(sent_at + timedelta(days=6, minutes=16))
    outbox.run()
    assert _reminders_to(TYPO) == ["invitation.reminded"] * 2
    assert len(_coordinator_notices()) >= 1
    assert (
        len(
            {
                n.notification_id
                for n in notifications_of(COORDINATOR)
                if n.event_type == "invitation.not_accepted" and n.channel == "in_app"
            }
        )
        == 1
    )
    # the invitation has no reminder left: it left the due index
    item = InvitationItem.get(*InvitationItem.key_for(invitation_id=party["invitation_id"]))
    assert item.gsi3pk is None


def test_an_accepted_or_withdrawn_invitation_is_never_reminded(seeded, api, outbox):
    accepted_deal, accepted = _deal_inviting(api, "ana@mail.example")
    _, revoked = _deal_inviting(api, "rob@mail.example")
    join(accepted_deal["id"], accepted["user_id"])
    assert api.delete(f"/v1/admin/invitations/{revoked['invitation_id']}", as_user=COORDINATOR).status == 200
    later = clock.now() + timedelta(days=6, hours=1)

    reminders.sweep(later)
    outbox.run()
    assert _reminders_to("ana@mail.example") == [] and _reminders_to("rob@mail.example") == []


def test_a_party_revoked_while_invited_is_not_reminded_and_leaves_the_index(seeded, api, outbox):
    deal, party = _deal_inviting(api, "rita@mail.example")
    assert api.delete(f"/v1/deals/{deal['id']}/parties/{party['user_id']}", as_user=COORDINATOR).status == 200
    reminders.sweep(clock.now() + timedelta(days=2, hours=1))
    outbox.run()
    assert _reminders_to("rita@mail.example") == []
    item = InvitationItem.get(*InvitationItem.key_for(invitation_id=party["invitation_id"]))
    assert item.gsi3pk is None  # stopped: the sweep never reads it again


def test_a_correction_to_someone_already_on_the_deal_is_refused_and_writes_nothing(seeded, api, mailbox):
    deal = open_deal(
        api,
        "purchase",
        [{"email": TYPO, "role": "client"}, {"email": RIGHT, "role": "co_client"}],
        {"offer_accepted": "2026-12-01"},
    )
    typo = next(p for p in deal["parties"] if p["email"] == TYPO)
    before = len(all_items())
    reply = api.patch(
        f"/v1/admin/invitations/{typo['invitation_id']}",
        {"email": RIGHT, "reason": REASON},
        as_user=COORDINATOR,
    )
    assert reply.status == 409 and reply.error_code == "already_a_party"
    assert len(all_items()) == before
    assert api.get(f"/v1/invitations/{mailbox.invitation_token(TYPO)}").json["status"] == "pending"
