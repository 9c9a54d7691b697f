"""Accounts: a household, an investor entity, a landlord, a vendor company or a brokerage team — people
grouped under one name, owned by an org (docs/ACCOUNTS.md). Entities and rules; no I/O.

Who may do what (PRODUCT.md §1 is silent on accounts; chosen here and in docs/ACCOUNTS.md):
- every staff member of the org (admin, coordinator, agent) creates, reads, lists, searches and edits its
  accounts and their members — agents work with their households every day;
- merging duplicates (and undoing a merge) is an ops action: admins and coordinators;
- anyone else, staff of another org included, is told the account does not exist (404).
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.domain.access import Caller
from chalicelib.domain.errors import Conflict, Forbidden, Invalid, NotFound
from chalicelib.domain.roles import StaffRole

ACCOUNT_ID_PREFIX = "ac"
MERGE_ID_PREFIX = "am"
MAX_MEMBERS = 40  # a merge rewrites both accounts' members in one transaction (≤ 100 items)
UNDO_WINDOW = timedelta(days=30)


class AccountKind(StrEnum):
    HOUSEHOLD = "household"
    INVESTOR_ENTITY = "investor_entity"
    LANDLORD = "landlord"
    VENDOR_COMPANY = "vendor_company"
    TEAM = "team"


class MemberRole(StrEnum):
    """A person's place within the account (not on a deal: that is the party role)."""

    PRIMARY = "primary"
    MEMBER = "member"
    OWNER = "owner"
    SIGNER = "signer"
    EMPLOYEE = "employee"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"  # folded into another account; comes back if the merge is undone


class MergeStatus(StrEnum):
    DONE = "done"
    UNDONE = "undone"


@dataclass
class AccountMember:
    account_id: str
    member_id: str
    org_id: str
    name: str
    email: str
    role: MemberRole
    added_at: datetime
    added_by: str
    phone: str | None = None
    contact_id: str | None = None  # a contact record of the org (not checked here: contacts are theirs)
    removed_at: datetime | None = None
    merged_from: str | None = None  # the merge that copied this member in (undone with it)
    # a copy of the account's name and kind, so a search by email answers from the member alone
    account_name: str = ""
    account_kind: str = ""
    account_active: bool = True

    @property
    def active(self) -> bool:
        return self.removed_at is None


@dataclass
class Account:
    account_id: str
    org_id: str
    kind: AccountKind
    name: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    version: int = 1
    status: AccountStatus = AccountStatus.ACTIVE
    notes: str | None = None
    merged_into: str | None = None
    merge_id: str | None = None
    members: list[AccountMember] = field(default_factory=list)

    @property
    def name_key(self) -> str:
        return name_key(self.name)

    def active_members(self) -> list[AccountMember]:
        return [m for m in self.members if m.active]


@dataclass
class AccountMerge:
    """What a merge changed, kept so it can be undone for 30 days (docs/ACCOUNTS.md)."""

    merge_id: str
    org_id: str
    survivor_id: str
    duplicate_id: str
    status: MergeStatus
    reason: str
    merged_at: datetime
    merged_by: str
    undo_until: datetime
    added_member_ids: list[str] = field(default_factory=list)
    moved_deal_ids: list[str] = field(default_factory=list)
    undone_at: datetime | None = None
    undone_by: str | None = None
    undo_reason: str | None = None


def name_key(name: str) -> str:
    """What a name prefix search compares: case- and accent-insensitive, single spaces."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.lower().split())


def member_id_for(account_id: str, email: str) -> str:
    """One member per email per account: the id derives from both, so adding the same person twice (or
    concurrently) meets the existing item instead of writing a second one."""
    digest = hashlib.sha256(f"{account_id}|{email}".encode()).digest()
    return "mb_" + base64.b32encode(digest).decode().lower()[:26]


# -- who may do what ------------------------------------------------------------------------------


def require_staff(caller: Caller, org_id: str) -> StaffRole:
    role = caller.staff_role(org_id)
    if role is None:
        raise NotFound("account not found")
    return role


def require_merge_rights(caller: Caller, org_id: str) -> None:
    if require_staff(caller, org_id) is StaffRole.AGENT:
        raise Forbidden("merging accounts is for admins and coordinators", code="ops_only")


def org_for(caller: Caller, org_id: str | None) -> str:
    """The org a create or a list is about: named, or the caller's only one."""
    orgs = [m.org_id for m in caller.staff]
    if org_id is not None:
        if org_id not in orgs:
            raise NotFound("organization not found")
        return org_id
    if len(orgs) == 1:
        return orgs[0]
    if not orgs:
        raise NotFound("organization not found")
    raise Invalid("you are staff of several organizations: say which with org_id", code="org_id_required")


# -- members --------------------------------------------------------------------------------------


def require_active(account: Account) -> None:
    if account.status is not AccountStatus.ACTIVE:
        raise Conflict(
            f"this account was merged into {account.merged_into}; work on that one",
            code="account_merged",
            details={"merged_into": account.merged_into},
        )


def check_room(account: Account, adding: int) -> None:
    if len(account.active_members()) + adding > MAX_MEMBERS:
        raise Conflict(f"an account holds at most {MAX_MEMBERS} members", code="too_many_members")


def with_account_copy(member: AccountMember, account: Account) -> AccountMember:
    return replace(
        member,
        account_name=account.name,
        account_kind=account.kind.value,
        account_active=account.status is AccountStatus.ACTIVE,
    )


# -- merging --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergePlan:
    """The members the survivor gains (the duplicate's members whose email it lacks)."""

    added: list[AccountMember]


def plan_merge(survivor: Account, duplicate: Account, merge_id: str, now: datetime, actor: str) -> MergePlan:
    if survivor.account_id == duplicate.account_id:
        raise Invalid("an account cannot be merged into itself", code="same_account")
    if survivor.org_id != duplicate.org_id:
        raise NotFound("account not found")
    require_active(survivor)
    require_active(duplicate)
    known = {m.email for m in survivor.active_members()}
    existing = {m.member_id: m for m in survivor.members}
    added = []
    for member in duplicate.active_members():
        if member.email in known:
            continue
        member_id = member_id_for(survivor.account_id, member.email)
        copy = AccountMember(
            account_id=survivor.account_id,
            member_id=member_id,
            org_id=survivor.org_id,
            name=member.name,
            email=member.email,
            role=member.role,
            added_at=now,
            added_by=actor,
            phone=member.phone,
            contact_id=member.contact_id,
            merged_from=merge_id,
        )
        if member_id in existing:  # a removed member of the survivor comes back
            copy = replace(copy, added_at=existing[member_id].added_at)
        added.append(with_account_copy(copy, survivor))
    check_room(survivor, len(added))
    return MergePlan(added)


def require_undoable(merge: AccountMerge, now: datetime) -> None:
    if merge.status is MergeStatus.UNDONE:
        raise Conflict("this merge was already undone", code="merge_undone")
    if now >= merge.undo_until:
        raise Conflict("a merge can be undone for 30 days only", code="undo_window_closed")
