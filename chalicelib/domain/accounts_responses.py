"""Response shapes of accounts and of the invitation routes of issue 13 (docs/ACCOUNTS.md), and the
functions that fill them. Same conventions as `domain/responses.py`: closed TypedDicts; a field absent
when it does not apply."""

from __future__ import annotations

from typing import Annotated, NotRequired, TypedDict

from chalicelib.clock import iso
from chalicelib.domain.accounts import (
    Account,
    AccountKind,
    AccountMember,
    AccountMerge,
    AccountStatus,
    MemberRole,
    MergeStatus,
)
from chalicelib.domain.entities import Invitation
from chalicelib.domain.responses import Choice, Timestamp
from chalicelib.domain.roles import InvitationStatus, PartyRole


class AccountMemberOut(TypedDict):
    id: str
    name: str
    email: str
    role: Annotated[str, Choice(MemberRole)]
    added_at: Timestamp
    phone: NotRequired[str]
    contact_id: NotRequired[str]
    """The org's contact record for this person, when one was named."""


class AccountOut(TypedDict):
    """An account: people grouped under one name (a household, an investor entity...). Its `version` is
    served as the `ETag` and is what `If-Match` names on `PATCH`."""

    id: str
    org_id: str
    kind: Annotated[str, Choice(AccountKind)]
    name: str
    status: Annotated[str, Choice(AccountStatus)]
    notes: str | None
    members: list[AccountMemberOut]
    version: int
    created_at: Timestamp
    updated_at: Timestamp
    merged_into: NotRequired[str]
    """The account this one was merged into (status `merged`)."""


class AccountSummaryOut(TypedDict):
    """A row of an account list or search."""

    id: str
    org_id: str
    kind: Annotated[str, Choice(AccountKind)]
    name: str
    matched_member: NotRequired[AccountMemberOut]
    """A search by email: the member it found."""


class AccessGrantOut(TypedDict):
    """What giving an account's members access to a deal did."""

    deal_id: str
    account_id: str
    role: Annotated[str, Choice(PartyRole)]
    invited: list[AccessInvitee]
    already_parties: list[str]
    """The member ids skipped: already (or still invited as) parties of the deal."""


class AccessInvitee(TypedDict):
    member_id: str
    user_id: str
    email: str
    status: str
    invitation_id: NotRequired[str]


class AccountMergeOut(TypedDict):
    id: str
    org_id: str
    survivor_id: str
    duplicate_id: str
    status: Annotated[str, Choice(MergeStatus)]
    reason: str
    merged_at: Timestamp
    undo_until: Timestamp
    """The merge can be undone until then (30 days)."""
    added_member_ids: list[str]
    moved_deal_ids: list[str]
    undone_at: NotRequired[Timestamp]


class PendingInvitationOut(TypedDict):
    """A deal's invitation not yet accepted, as staff see it (never its token)."""

    id: str
    user_id: str
    name: str | None
    email: str
    role: Annotated[str, Choice(PartyRole)]
    status: Annotated[str, Choice(InvitationStatus)]
    sent_at: Timestamp
    """When the current link was sent."""
    sent_count: int
    reminders_sent: int
    """Reminders sent since the current link went out (day 2, day 5)."""
    expires_at: Timestamp
    expired: bool


def member_view(member: AccountMember) -> AccountMemberOut:
    view: AccountMemberOut = {
        "id": member.member_id,
        "name": member.name,
        "email": member.email,
        "role": member.role.value,
        "added_at": iso(member.added_at),
    }
    if member.phone:
        view["phone"] = member.phone
    if member.contact_id:
        view["contact_id"] = member.contact_id
    return view


def account_view(account: Account) -> AccountOut:
    view: AccountOut = {
        "id": account.account_id,
        "org_id": account.org_id,
        "kind": account.kind.value,
        "name": account.name,
        "status": account.status.value,
        "notes": account.notes,
        "members": [
            member_view(m) for m in sorted(account.active_members(), key=lambda m: (m.added_at, m.email))
        ],
        "version": account.version,
        "created_at": iso(account.created_at),
        "updated_at": iso(account.updated_at),
    }
    if account.merged_into:
        view["merged_into"] = account.merged_into
    return view


def summary_view(account: Account, *, matched: bool = False) -> AccountSummaryOut:
    view: AccountSummaryOut = {
        "id": account.account_id,
        "org_id": account.org_id,
        "kind": account.kind.value,
        "name": account.name,
    }
    if matched and account.members:
        view["matched_member"] = member_view(account.members[0])
    return view


def merge_view(merge: AccountMerge) -> AccountMergeOut:
    view: AccountMergeOut = {
        "id": merge.merge_id,
        "org_id": merge.org_id,
        "survivor_id": merge.survivor_id,
        "duplicate_id": merge.duplicate_id,
        "status": merge.status.value,
        "reason": merge.reason,
        "merged_at": iso(merge.merged_at),
        "undo_until": iso(merge.undo_until),
        "added_member_ids": list(merge.added_member_ids),
        "moved_deal_ids": list(merge.moved_deal_ids),
    }
    if merge.undone_at:
        view["undone_at"] = iso(merge.undone_at)
    return view


def pending_invitation_view(
    invitation: Invitation, name: str | None, reminders_sent: int, expired: bool
) -> PendingInvitationOut:
    return {
        "id": invitation.invitation_id,
        "user_id": invitation.user_id,
        "name": name,
        "email": invitation.email,
        "role": invitation.role.value,
        "status": invitation.status.value,
        "sent_at": iso(invitation.last_sent_at),
        "sent_count": invitation.sent_count,
        "reminders_sent": reminders_sent,
        "expires_at": iso(invitation.valid_until),
        "expired": expired,
    }
