"""A deal's pending invitations (staff), and ops correcting a misspelled invitation address
(docs/ACCOUNTS.md, "Invitations").

Correcting an address, in one transaction: the old invitation is withdrawn and its token hash replaced by
the hash of a token nobody holds — the old link answers 404 like any dead link —, the party invited at the
wrong address is revoked, the corrected address gets a new party and a new invitation exactly as a new
invite would (services/deals.py `new_party`: the user if new, the invitation, after the commit the
Cognito user and the email), and the open tasks and document requests the wrong address held move to the
right one. One `invitation.corrected` event carries the reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.domain import invitations as invitation_rules
from chalicelib.domain import invitee_reminders
from chalicelib.domain.access import Action, Caller
from chalicelib.domain.entities import DocumentRequest, Invitation, Task
from chalicelib.domain.errors import Conflict, Invalid
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import InvitationStatus, PartyStatus
from chalicelib.services import invitations
from chalicelib.services.access import deal_header_access, workspace_access
from chalicelib.services.activity import deal_event
from chalicelib.services.deals import new_party
from chalicelib.store import deals as deal_store
from chalicelib.store import invitations as invitation_store
from chalicelib.store import plan as plan_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.accounts_commands import InvitationCorrection


@dataclass(frozen=True)
class Pending:
    invitation: Invitation
    name: str | None
    reminders_sent: int
    expired: bool


def pending_for_deal(caller: Caller, deal_id: str) -> list[Pending]:
    """Who was invited and has not joined: the caller, the deal and its parties (one Query), their
    invitations (one BatchGetItem). Staff of the deal (403 for the other parties)."""
    _, parties, access = deal_header_access(caller, deal_id)
    access.require(Action.MANAGE_PARTIES)
    invited = {p.invitation_id: p for p in parties if p.status is PartyStatus.INVITED and p.invitation_id}
    now = clock.now()
    found = []
    for invitation in invitation_store.get_many(sorted(invited)):
        if invitation.status is not InvitationStatus.PENDING:
            continue
        found.append(
            Pending(
                invitation,
                invited[invitation.invitation_id].name,
                invitee_reminders.reminders_sent(invitation.reminded, invitation.last_sent_at),
                now >= invitation.valid_until,
            )
        )
    return sorted(found, key=lambda p: (p.invitation.last_sent_at, p.invitation.invitation_id))


def correct_email(caller: Caller, invitation_id: str, command: InvitationCorrection) -> Invitation:
    from chalicelib.domain.commands import PartyIn

    invitation = invitations.load_for_ops(caller, invitation_id)
    invitation_rules.require_open(invitation)
    if command.email == invitation.email:
        raise Invalid("the invitation already goes to this address", code="same_email")
    ws, _ = workspace_access(caller, invitation.deal_id)
    wrong = next((p for p in ws.parties if p.user_id == invitation.user_id), None)
    if (
        wrong is None
        or wrong.invitation_id != invitation.invitation_id
        or wrong.status is not PartyStatus.INVITED
    ):
        raise invitation_rules.revoked()
    person = user_store.lookup([command.email], ws.deal.org_id).get(command.email)
    if person is not None and any(
        p.user_id == person.user.user_id and p.status is not PartyStatus.REVOKED for p in ws.parties
    ):
        raise Conflict("this person is already a party to the deal", code="already_a_party")
    now = clock.now()
    uow = UnitOfWork()
    dead = dataclasses.replace(
        invitation,
        status=InvitationStatus.REVOKED,
        revoked_at=now,
        token_hash=invitation_rules.token_hash(invitation_rules.new_token()),  # a token nobody holds
    )
    invitation_store.change(uow, invitation, dead)
    deal = ws.deal
    deal_store.change_party(
        uow, wrong, dataclasses.replace(wrong, status=PartyStatus.REVOKED, revoked_at=now), deal
    )
    wanted = PartyIn.model_construct(email=command.email, role=wrong.role, name=wrong.name, phone=wrong.phone)
    right = new_party(uow, deal, wanted, person, caller.user_id)
    earlier = next((p for p in ws.parties if p.user_id == right.user_id), None)  # revoked before
    if earlier is None:
        deal_store.add_party(uow, right, deal)
    else:
        deal_store.change_party(uow, earlier, dataclasses.replace(right, revoked_at=None), deal)
    plan_store.apply(
        uow,
        _moved(ws.tasks, wrong.user_id, right.user_id, _task),
        _moved(ws.document_requests, wrong.user_id, right.user_id, _request),
    )
    deal_store.touch(uow, deal, [p for p in ws.parties if p.user_id != wrong.user_id], now)
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.INVITATION_CORRECTED,
            f"{caller.label} corrected the invitation address of {wrong.name or 'an invitee'}",
            restricted_to=[right.user_id],
            data={
                "invitation_id": invitation.invitation_id,
                "new_invitation_id": right.invitation_id,
                "from_user_id": wrong.user_id,
                "user_id": right.user_id,
                "reason": command.reason,
            },
            at=now,
        )
    )
    uow.commit()
    if right.invitation_id is None:  # the corrected address is staff of the org: joined at once
        return dead
    fresh = invitation_store.get(right.invitation_id)
    assert fresh is not None
    return fresh


def _task(task: Task, old: str, new: str) -> Task:
    return dataclasses.replace(
        task,
        owner_user_id=new if task.owner_user_id == old else task.owner_user_id,
        restricted_to=_swap(task.restricted_to, old, new),
    )


def _request(request: DocumentRequest, old: str, new: str) -> DocumentRequest:
    return dataclasses.replace(
        request,
        target_user_ids=_swap(request.target_user_ids, old, new),
        restricted_to=_swap(request.restricted_to, old, new),
    )


def _swap(users: list[str], old: str, new: str) -> list[str]:
    return [new if u == old else u for u in users]


def _moved[R: (Task, DocumentRequest)](
    records: list[R], old: str, new: str, move: object
) -> list[tuple[R, R]]:
    """The open records the wrong address held, each with the right one in its place."""
    pairs = []
    for record in records:
        if record.status not in ("open", "requested", "rejected", "submitted"):
            continue
        after = move(record, old, new)  # type: ignore[operator]
        if after != record:
            pairs.append((record, after))
    return pairs
