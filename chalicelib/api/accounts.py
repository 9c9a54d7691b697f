"""Accounts (households, investor entities, landlords, vendor companies, teams), their members and deals;
giving an account's members access to a deal; merging duplicates (docs/ACCOUNTS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import Answer, etag, expected_version, page, page_params, query_param, route
from chalicelib.domain.responses import DealSummary, Page
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
    from chalicelib.domain import accounts_responses as out
    from chalicelib.domain import views
    from chalicelib.domain.access import Caller
    from chalicelib.domain.accounts import Account
    from chalicelib.domain.accounts_commands import (
        AccountAccessIn,
        AccountMemberIn,
        AccountMergeIn,
        AccountMergeUndoIn,
        AccountPatch,
        InvitationCorrection,
        NewAccount,
    )
else:  # the feature's shapes load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")
    out = LazyModule("chalicelib.domain.accounts_responses")
    views = LazyModule("chalicelib.domain.views")

accounts = Blueprint(__name__)

ONE = "/v1/accounts/{account_id}"


def _answer(account: Account, *, created: bool = False) -> Answer[out.AccountOut]:
    headers = {"ETag": etag(account.version)}
    if created:
        headers["Location"] = f"/v1/accounts/{account.account_id}"
    return Answer(out.account_view(account), headers)


@route(
    accounts,
    "/v1/accounts",
    "POST",
    summary="Create an account with its members (staff)",
    body="NewAccount",
    status=201,
)
def create_account(caller: Caller, body: NewAccount) -> Answer[out.AccountOut]:
    from chalicelib.services import accounts as service

    return _answer(service.create(caller, body), created=True)


@route(
    accounts,
    "/v1/accounts",
    "GET",
    summary="The org's accounts by name; filter by kind, search by name prefix (`q`) or member email",
)
def list_accounts(caller: Caller, request: Request) -> Page[out.AccountSummaryOut]:
    from chalicelib.services import accounts as service

    limit, cursor = page_params(request)
    email = query_param(request, "email")
    found = service.search(
        caller,
        org_id=query_param(request, "org_id"),
        kind=query_param(request, "kind"),
        name=query_param(request, "q"),
        email=email,
        limit=limit,
        cursor=cursor,
    )
    return page([out.summary_view(a, matched=email is not None) for a in found.accounts], found.next_cursor)


@route(accounts, ONE, "GET", summary="One account with its members (ETag: its version)")
def get_account(caller: Caller, account_id: str) -> Answer[out.AccountOut]:
    from chalicelib.services import accounts as service

    return _answer(service.load(caller, account_id))


@route(
    accounts,
    ONE,
    "PATCH",
    summary="Rename an account, change its kind or notes (If-Match)",
    body="AccountPatch",
)
def patch_account(
    caller: Caller, request: Request, account_id: str, body: AccountPatch
) -> Answer[out.AccountOut]:
    from chalicelib.services import accounts as service

    return _answer(service.update(caller, account_id, body, expected_version(request)))


@route(
    accounts,
    ONE + "/members",
    "POST",
    summary="Add a person to an account",
    body="AccountMemberIn",
    status=201,
)
def add_member(caller: Caller, account_id: str, body: AccountMemberIn) -> Answer[out.AccountOut]:
    from chalicelib.services import accounts as service

    return _answer(service.add_member(caller, account_id, body))


@route(accounts, ONE + "/members/{member_id}", "DELETE", summary="Remove a person from an account")
def remove_member(caller: Caller, account_id: str, member_id: str) -> Answer[out.AccountOut]:
    from chalicelib.services import accounts as service

    return _answer(service.remove_member(caller, account_id, member_id))


@route(accounts, ONE + "/deals", "GET", summary="The account's deals, newest first")
def account_deals(caller: Caller, request: Request, account_id: str) -> Page[DealSummary]:
    from chalicelib.services import accounts as service
    from chalicelib.store.deals import summary_of

    limit, cursor = page_params(request)
    found = service.deals(caller, account_id, limit=limit, cursor=cursor)
    return page([views.deal_summary_view(summary_of(d)) for d in found.deals], found.next_cursor)


@route(
    accounts,
    "/v1/deals/{deal_id}/account-access",
    "POST",
    summary="Invite every member of the deal's account who is not a party yet, with one role",
    body="AccountAccessIn",
)
def grant_account_access(caller: Caller, deal_id: str, body: AccountAccessIn) -> out.AccessGrantOut:
    from chalicelib.services import account_access

    granted = account_access.grant(caller, deal_id, body)
    invited: list[out.AccessInvitee] = []
    for member, party in granted.invited:
        row: out.AccessInvitee = {
            "member_id": member.member_id,
            "user_id": party.user_id,
            "email": party.email,
            "status": party.status.value,
        }
        if party.invitation_id:
            row["invitation_id"] = party.invitation_id
        invited.append(row)
    return {
        "deal_id": granted.deal_id,
        "account_id": granted.account_id,
        "role": granted.role.value,
        "invited": invited,
        "already_parties": granted.already,
    }


@route(
    accounts,
    "/v1/admin/account-merges",
    "POST",
    summary="Merge a duplicate account into another (admins, coordinators; undoable for 30 days)",
    body="AccountMergeIn",
    status=201,
)
def merge_accounts(caller: Caller, body: AccountMergeIn) -> out.AccountMergeOut:
    from chalicelib.services import account_merges

    return out.merge_view(account_merges.merge(caller, body))


@route(
    accounts,
    "/v1/admin/account-merges/{merge_id}/undo",
    "POST",
    summary="Undo a merge of accounts (within 30 days): both accounts as they were",
    body="AccountMergeUndoIn",
)
def undo_merge(caller: Caller, merge_id: str, body: AccountMergeUndoIn) -> out.AccountMergeOut:
    from chalicelib.services import account_merges

    return out.merge_view(account_merges.undo(caller, merge_id, body))


@route(accounts, "/v1/deals/{deal_id}/invitations", "GET", summary="The deal's pending invitations (staff)")
def pending_invitations(caller: Caller, deal_id: str) -> Page[out.PendingInvitationOut]:
    from chalicelib.services import invitation_admin

    found = invitation_admin.pending_for_deal(caller, deal_id)
    return page(
        [out.pending_invitation_view(p.invitation, p.name, p.reminders_sent, p.expired) for p in found], None
    )


@route(
    accounts,
    "/v1/admin/invitations/{invitation_id}",
    "PATCH",
    summary="Correct a misspelled invitation address: the old link dies, a new one goes out",
    body="InvitationCorrection",
)
def correct_invitation(caller: Caller, invitation_id: str, body: InvitationCorrection) -> acc.Invitation:
    from chalicelib.domain.admin_views import invitation_view
    from chalicelib.services import invitation_admin

    return invitation_view(invitation_admin.correct_email(caller, invitation_id, body))
