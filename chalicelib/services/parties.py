"""Parties: invite someone to a deal, revoke them (effective on their very next request)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.domain import plan, workflows
from chalicelib.domain.access import Action, Caller, DealAccess
from chalicelib.domain.entities import Actor, Deal, Party
from chalicelib.domain.errors import Conflict, Forbidden, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyStatus
from chalicelib.observability import metrics
from chalicelib.services.access import deal_header_access, workspace_access
from chalicelib.services.activity import deal_event
from chalicelib.services.deals import new_party
from chalicelib.store import deals as deal_store
from chalicelib.store import plan as plan_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import PartyIn


def add_party(caller: Caller, deal_id: str, wanted: PartyIn) -> tuple[Party, DealAccess]:
    """Invite someone; they take the open, unowned tasks of their role and are asked for the documents
    their role uploads, in the same transaction."""
    ws, access = workspace_access(caller, deal_id)
    deal, parties = ws.deal, ws.parties
    access.require(Action.MANAGE_PARTIES)
    person = user_store.lookup([wanted.email], deal.org_id).get(wanted.email)
    existing = next((p for p in parties if person and p.user_id == person.user.user_id), None)
    if existing is not None and existing.status is not PartyStatus.REVOKED:
        raise Conflict("this person is already a party to the deal", code="already_a_party")
    uow = UnitOfWork()
    party = new_party(uow, deal, wanted, person, caller.user_id)
    if existing is None:
        deal_store.add_party(uow, party, deal)
    else:  # a revoked party invited back: the same record, re-opened
        deal_store.change_party(uow, existing, dataclasses.replace(party, revoked_at=None), deal)
    template = workflows.of_deal(deal)
    task_changes, request_changes = plan.assign_new_party(template, ws.tasks, ws.document_requests, party)
    plan_store.apply(uow, task_changes, request_changes)
    deal_store.touch(uow, deal, [p for p in parties if p.user_id != party.user_id], clock.now())
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.PARTY_INVITED,
            f"{caller.label} added {party.name or 'a new party'} as {_role(party)}",
            restricted_to=[party.user_id],
            data={
                "user_id": party.user_id,
                "role": party.role.value,
                "status": party.status.value,
                "assigned_tasks": [after.task_id for _, after in task_changes],
                "document_requests": [after.request_id for _, after in request_changes],
                "invitation_id": party.invitation_id,  # never the token: it exists only in the email
            },
        )
    )
    uow.commit()
    metrics.add_metric(name="PartiesInvited", unit="Count", value=1)
    return party, access


def revoke_party(caller: Caller, deal_id: str, user_id: str) -> tuple[Party, DealAccess]:
    deal, parties, access = deal_header_access(caller, deal_id)
    access.require(Action.MANAGE_PARTIES)
    party = next((p for p in parties if p.user_id == user_id and p.status is not PartyStatus.REVOKED), None)
    if party is None:
        raise NotFound("party not found")
    if user_id == caller.user_id:
        raise Forbidden("you cannot revoke your own access to a deal", code="cannot_revoke_self")
    return revoke_as(caller.actor, deal, parties, party), access


def revoke_as(
    actor: Actor, deal: Deal, parties: list[Party], party: Party, reason: str | None = None
) -> Party:
    """Revoke a party (the API, or a runbook run from the console): refused from their next request."""
    now = clock.now()
    revoked = dataclasses.replace(party, status=PartyStatus.REVOKED, revoked_at=now)
    uow = UnitOfWork()
    deal_store.change_party(uow, party, revoked, deal)
    deal_store.touch(uow, deal, [p for p in parties if p.user_id != party.user_id], now)
    data = {"user_id": party.user_id, "role": party.role.value}
    uow.record(
        deal_event(
            deal,
            actor,
            EventType.PARTY_REVOKED,
            f"{actor.label} removed {party.name or 'a party'} ({_role(party)}) from the deal",
            restricted_to=[party.user_id],
            data={**data, "reason": reason} if reason else data,
            at=now,
        )
    )
    uow.commit()
    return revoked


def _role(party: Party) -> str:
    return party.role.value.replace("_", " ")
