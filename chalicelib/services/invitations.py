"""Invitations: issued with every invited party, accepted by the invitee, resent or revoked by ops.

The invitation email is sent by this service, straight through SES, after the transaction commits:
that is the only moment the raw token exists (only its hash is stored, and no activity event carries
it), so no later reader — the outbox stream, a log, a table export — could render the link. A failed
send loses nothing: the invitation stands and ops resend it (docs/INVITATIONS.md).

Just before that email, the invitee's Cognito user is created or found (store/accounts.py), so they can
sign in: Cognito mails them a temporary password. After the commit too, so a refused invitation never
leaves a user behind; a failure is logged and the resend, which ensures the user again, repairs it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import clock, ids
from chalicelib.config import settings
from chalicelib.domain import invitations as rules
from chalicelib.domain.access import Caller, require_ops
from chalicelib.domain.entities import Actor, Deal, Invitation, Party
from chalicelib.domain.errors import NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import InvitationStatus, PartyStatus
from chalicelib.observability import logger, metrics
from chalicelib.services.activity import deal_event
from chalicelib.store import deals as deal_store
from chalicelib.store import invitations as invitation_store
from chalicelib.store import mail
from chalicelib.store.unit_of_work import UnitOfWork

INVITATION_ID_PREFIX = "inv"
_emails_on: ContextVar[bool] = ContextVar("invitation_emails", default=True)


@contextmanager
def emails_held() -> Iterator[None]:
    """Create invitations without emailing them (a bulk import): they stay pending, and ops resend them
    when the people should hear from the portal."""
    token = _emails_on.set(False)
    try:
        yield
    finally:
        _emails_on.reset(token)


def issue(uow: UnitOfWork, deal: Deal, party: Party, invited_by: str) -> Party:
    """Stage a new invitation for an invited party, and its email for after the commit. Returns the
    party bound to the invitation (only that invitation can activate it)."""
    now = clock.now()
    token = rules.new_token()
    invitation = Invitation(
        invitation_id=ids.new_id(INVITATION_ID_PREFIX),
        org_id=deal.org_id,
        deal_id=deal.deal_id,
        workflow=deal.workflow,
        user_id=party.user_id,
        email=party.email,
        role=party.role,
        status=InvitationStatus.PENDING,
        token_hash=rules.token_hash(token),
        created_at=now,
        valid_until=now + rules.VALIDITY,
        invited_by=invited_by,
        last_sent_at=now,
        sent_count=1 if _emails_on.get() else 0,
    )
    invitation_store.add(uow, invitation)
    if _emails_on.get():
        uow.after_commit(lambda: _send(invitation, deal.title, token, party.name))
    return dataclasses.replace(party, invitation_id=invitation.invitation_id)


def _send(invitation: Invitation, deal_title: str, token: str, name: str | None = None) -> None:
    _ensure_account(invitation, name)
    url = rules.link(settings().portal_url, token)
    subject, text = rules.email_content(deal_title, invitation.role.value, url, invitation.valid_until)
    try:
        mail.send(invitation.email, subject, text)
    except (BotoCoreError, ClientError) as exc:
        # Never the token, the link or the address: the invitation id is enough to resend it.
        logger.warning(
            "invitation email not sent",
            extra={"invitation_id": invitation.invitation_id, "error": type(exc).__name__},
        )
        metrics.add_metric(name="InvitationEmailFailed", unit="Count", value=1)
        return
    metrics.add_metric(name="InvitationEmailSent", unit="Count", value=1)


def _ensure_account(invitation: Invitation, name: str | None) -> None:
    from chalicelib.store import accounts

    try:
        account = accounts.ensure_invitee(invitation.email, name)
    except (BotoCoreError, ClientError, accounts.NoUserPool) as exc:
        # The invitation stands; its resend creates the user (never the address in a log line).
        logger.warning(
            "invitee sign-in account not created",
            extra={"invitation_id": invitation.invitation_id, "error": type(exc).__name__},
        )
        metrics.add_metric(name="InviteeAccountFailed", unit="Count", value=1)
        return
    logger.info(
        "invitee sign-in account", extra={"invitation_id": invitation.invitation_id, "account": account.value}
    )


# -- the invitee's view and accept --------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What the portal shows on the invitation page before sign-in: enough to say which email to sign in
    with, nothing more about the deal than its title."""

    invitation: Invitation
    deal_title: str
    state: str  # pending | accepted | revoked | expired


def preview(token: str) -> Preview:
    """No sign-in needed: the token itself is the credential (as the email link is)."""
    invitation = _by_token(token)
    deal, _ = deal_store.load_header(invitation.deal_id)
    state = invitation.status.value
    if invitation.status is InvitationStatus.PENDING and clock.now() >= invitation.valid_until:
        state = "expired"
    return Preview(invitation, deal.title if deal else "", state)


def _by_token(token: str) -> Invitation:
    if not rules.looks_like_token(token):
        raise rules.not_found()
    invitation = invitation_store.by_token_hash(rules.token_hash(token))
    if invitation is None:
        raise rules.not_found()
    return invitation


@dataclass(frozen=True)
class Accepted:
    invitation: Invitation
    party: Party


def accept(caller: Caller, token: str) -> Accepted:
    """Bind the signed-in user to the party the invitation was issued for: the caller's verified email
    must be the invited one; the token works once and for 7 days."""
    invitation = _by_token(token)
    now = clock.now()
    rules.require_acceptable(invitation, caller.user_id, caller.user.email, now)
    deal, parties, party = _invited_party(invitation)
    accepted = dataclasses.replace(invitation, status=InvitationStatus.ACCEPTED, accepted_at=now)
    joined = dataclasses.replace(party, status=PartyStatus.ACTIVE, accepted_at=now)
    uow = UnitOfWork()
    invitation_store.change(uow, invitation, accepted, on_fail=rules.not_found())
    deal_store.change_party(uow, party, joined, deal)
    deal_store.touch(uow, deal, parties, now)
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.PARTY_ACCEPTED,
            f"{caller.label} joined the deal",
            restricted_to=[party.user_id],
            data={
                "user_id": party.user_id,
                "role": party.role.value,
                "invitation_id": invitation.invitation_id,
            },
            at=now,
        )
    )
    uow.commit()
    metrics.add_metric(name="InvitationsAccepted", unit="Count", value=1)
    return Accepted(accepted, joined)


def _invited_party(invitation: Invitation) -> tuple[Deal, list[Party], Party]:
    """The deal and the party still waiting on this very invitation; anything else means it was withdrawn
    (the party was revoked, or invited again with a newer invitation)."""
    deal, parties = deal_store.load_header(invitation.deal_id)
    party = next((p for p in parties if p.user_id == invitation.user_id), None)
    if deal is None or party is None or party.invitation_id != invitation.invitation_id:
        raise rules.revoked()
    if party.status is PartyStatus.ACTIVE:
        raise rules.used()
    if party.status is not PartyStatus.INVITED:
        raise rules.revoked()
    return deal, parties, party


# -- ops: resend and revoke -----------------------------------------------------------------------


def load_for_ops(caller: Caller, invitation_id: str) -> Invitation:
    """The invitation, if the caller runs its org's admin panel (404 for anyone else)."""
    invitation = find(invitation_id)
    if invitation is None:
        raise NotFound("invitation not found")
    require_ops(caller, invitation.org_id)
    return invitation


def find(invitation_id: str) -> Invitation | None:
    if not ids.looks_like(INVITATION_ID_PREFIX, invitation_id):
        return None
    return invitation_store.get(invitation_id)


def resend(caller: Caller, invitation_id: str) -> Invitation:
    return resend_as(caller.actor, load_for_ops(caller, invitation_id))


def resend_as(actor: Actor, invitation: Invitation) -> Invitation:
    """A new token and a fresh 7 days; the old link dies in the same write."""
    now = clock.now()
    rules.require_open(invitation)
    deal, _, party = _invited_party(invitation)
    token = rules.new_token()
    renewed = dataclasses.replace(
        invitation,
        token_hash=rules.token_hash(token),
        valid_until=now + rules.VALIDITY,
        last_sent_at=now,
        sent_count=invitation.sent_count + 1,
    )
    uow = UnitOfWork()
    invitation_store.change(uow, invitation, renewed)
    uow.record(
        deal_event(
            deal,
            actor,
            EventType.INVITATION_RESENT,
            f"{actor.label} sent {party.name or 'the invitee'} a new invitation link",
            restricted_to=[party.user_id],
            data={"invitation_id": invitation.invitation_id, "user_id": party.user_id},
            at=now,
        )
    )
    uow.after_commit(lambda: _send(renewed, deal.title, token, party.name))
    uow.commit()
    return renewed


def revoke(caller: Caller, invitation_id: str, reason: str | None = None) -> Invitation:
    return revoke_as(caller.actor, load_for_ops(caller, invitation_id), reason)


def revoke_as(actor: Actor, invitation: Invitation, reason: str | None) -> Invitation:
    """Withdraw a pending invitation: the link dies and the invited party is revoked with it (they can be
    invited again later)."""
    now = clock.now()
    rules.require_open(invitation)
    deal, parties, party = _invited_party(invitation)
    withdrawn = dataclasses.replace(invitation, status=InvitationStatus.REVOKED, revoked_at=now)
    uow = UnitOfWork()
    invitation_store.change(uow, invitation, withdrawn)
    deal_store.change_party(
        uow, party, dataclasses.replace(party, status=PartyStatus.REVOKED, revoked_at=now), deal
    )
    deal_store.touch(uow, deal, [p for p in parties if p.user_id != party.user_id], now)
    uow.record(
        deal_event(
            deal,
            actor,
            EventType.INVITATION_REVOKED,
            f"{actor.label} withdrew the invitation of {party.name or 'a party'}",
            restricted_to=[party.user_id],
            data={"invitation_id": invitation.invitation_id, "user_id": party.user_id, "reason": reason},
            at=now,
        )
    )
    uow.commit()
    return withdrawn
