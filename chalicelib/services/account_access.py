"""Give an account's members access to a deal in one step (docs/ACCOUNTS.md).

Every active member who is not already a party (active or invited) is invited with the chosen role through
the same machinery as a single invite (services/deals.py `new_party`, services/invitations.py `issue`):
the user when new, the party, the invitation and its email after the commit, the open tasks and
document requests of the role. One transaction when it fits in 100 items; past that, the members are
invited in batches, each its own transaction with its own event — a batch that fails leaves the earlier
ones standing, and repeating the request invites only those still missing (members already parties are
skipped), so a retry never invites anyone twice.

Reads: the caller, the workspace (one Query), the account (one Query), the members' users (one
BatchGetItem per 50 people).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.domain import plan, workflows
from chalicelib.domain.access import Action, Caller
from chalicelib.domain.accounts import AccountMember
from chalicelib.domain.entities import DocumentRequest, Party, Task
from chalicelib.domain.errors import Invalid
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyRole, PartyStatus
from chalicelib.domain.views import Workspace
from chalicelib.services.access import workspace_access
from chalicelib.services.activity import deal_event
from chalicelib.services.deals import new_party
from chalicelib.store import account_records
from chalicelib.store import deals as deal_store
from chalicelib.store import plan as plan_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import MAX_TRANSACTION_ITEMS, UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.accounts_commands import AccountAccessIn

# The roles an account's members may be given on a deal: deal-team roles come with a staff seat instead.
GRANTABLE = frozenset(
    {
        PartyRole.CLIENT,
        PartyRole.CO_CLIENT,
        PartyRole.VENDOR,
        PartyRole.LENDER,
        PartyRole.TITLE,
        PartyRole.ATTORNEY,
    }
)


@dataclass
class Granted:
    deal_id: str
    account_id: str
    role: PartyRole
    invited: list[tuple[AccountMember, Party]]
    already: list[str]


def grant(caller: Caller, deal_id: str, command: AccountAccessIn) -> Granted:
    ws, access = workspace_access(caller, deal_id)
    access.require(Action.MANAGE_PARTIES)
    role = PartyRole(command.role)
    if role not in GRANTABLE:
        raise Invalid(
            f"an account's members may be given one of: {', '.join(sorted(GRANTABLE))}",
            code="role_not_allowed",
        )
    account_id = command.account_id or ws.deal.account_id
    if account_id is None:
        raise Invalid("this deal belongs to no account: name one with account_id", code="no_account")
    account = account_records.load(account_id)
    if account is None or account.org_id != ws.deal.org_id or not account_records.is_active(account):
        raise Invalid("account_id names no active account of the deal's organization", code="unknown_account")
    members = account.active_members()
    people = user_store.lookup([m.email for m in members], ws.deal.org_id)
    current = {p.user_id for p in ws.parties if p.status is not PartyStatus.REVOKED}
    to_invite, already = [], []
    for member in members:
        person = people.get(member.email)
        if person is not None and person.user.user_id in current:
            already.append(member.member_id)
        else:
            to_invite.append(member)
    result = Granted(ws.deal.deal_id, account.account_id, role, [], already)
    pending = list(to_invite)
    while pending:
        batch = pending
        while True:
            uow, invited = _stage(caller, ws, batch, people, role, account.account_id, already)
            if len(uow) <= MAX_TRANSACTION_ITEMS - 2 or len(batch) == 1:  # room for the idempotency claim
                break
            batch = batch[: len(batch) // 2]
        uow.commit()
        result.invited += invited
        _advance(ws, invited)
        pending = pending[len(batch) :]
    return result


def _stage(
    caller: Caller,
    ws: Workspace,
    members: list[AccountMember],
    people: dict[str, user_store.Person],
    role: PartyRole,
    account_id: str,
    already: list[str],
) -> tuple[UnitOfWork, list[tuple[AccountMember, Party]]]:
    from chalicelib.domain.commands import PartyIn  # loaded with the request's body model already

    deal = ws.deal
    template = workflows.pinned(deal.workflow, deal.template_version)
    uow = UnitOfWork()
    tasks, requests = list(ws.tasks), list(ws.document_requests)
    invited: list[tuple[AccountMember, Party]] = []
    for member in members:
        wanted = PartyIn.model_construct(email=member.email, role=role, name=member.name, phone=member.phone)
        party = new_party(uow, deal, wanted, people.get(member.email), caller.user_id)
        revoked = next((p for p in ws.parties if p.user_id == party.user_id), None)
        if revoked is None:
            deal_store.add_party(uow, party, deal)
        else:  # a revoked party invited back: the same record, re-opened
            deal_store.change_party(uow, revoked, dataclasses.replace(party, revoked_at=None), deal)
        task_changes, request_changes = plan.assign_new_party(template, tasks, requests, party)
        tasks = plan.updated(tasks, task_changes)
        requests = plan.updated(requests, request_changes)
        invited.append((member, party))
    _stage_plan(uow, ws.tasks, tasks, ws.document_requests, requests)
    deal_store.touch(uow, deal, ws.parties, clock.now())
    names = ", ".join(p.name or "a member" for _, p in invited)
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.DEAL_ACCOUNT_ACCESS_GRANTED,
            f"{caller.label} invited {names} ({role.value.replace('_', ' ')}) from their account",
            restricted_to=[p.user_id for _, p in invited],
            data={
                "account_id": account_id,
                "role": role.value,
                "invited": [_invitee(m, p) for m, p in invited],
                "already_parties": list(already),
            },
        )
    )
    return uow, invited


def _invitee(member: AccountMember, party: Party) -> dict[str, Any]:
    found: dict[str, Any] = {
        "member_id": member.member_id,
        "user_id": party.user_id,
        "status": party.status.value,
    }
    if party.invitation_id:
        found["invitation_id"] = party.invitation_id  # never the token: it exists only in the email
    return found


def _stage_plan(
    uow: UnitOfWork,
    tasks_before: list[Task],
    tasks_after: list[Task],
    requests_before: list[DocumentRequest],
    requests_after: list[DocumentRequest],
) -> None:
    """Each task and request once, from how it was read to how it ends (several invitees may change it)."""
    task_pairs = [(b, a) for b, a in zip(tasks_before, tasks_after, strict=True) if a is not b]
    request_pairs = [(b, a) for b, a in zip(requests_before, requests_after, strict=True) if a is not b]
    plan_store.apply(uow, task_pairs, request_pairs)


def _advance(ws: Workspace, invited: list[tuple[AccountMember, Party]]) -> None:
    """After a batch commits, the next one starts from what it wrote (its parties own their tasks now)."""
    template = workflows.pinned(ws.deal.workflow, ws.deal.template_version)
    for _, party in invited:
        ws.parties = [p for p in ws.parties if p.user_id != party.user_id] + [party]
        task_changes, request_changes = plan.assign_new_party(template, ws.tasks, ws.document_requests, party)
        ws.tasks = plan.updated(ws.tasks, task_changes)
        ws.document_requests = plan.updated(ws.document_requests, request_changes)
