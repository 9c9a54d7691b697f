"""Request models of accounts and of the invitation corrections (docs/ACCOUNTS.md). Same rules as
`domain/commands.py`, which re-exports them (routes name their body model there, by name)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.domain.accounts import AccountKind, MemberRole
from chalicelib.domain.commands import Email, Id, Line, Name, Paragraphs, Phone, Reason, Strict, _line
from chalicelib.domain.roles import PartyRole

AccountName = Annotated[str, _line(1, 200), Line]
AccountNotes = Annotated[str, _line(1, 2000), Paragraphs]
ContactId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class AccountMemberIn(Strict):
    name: Name
    email: Email
    role: MemberRole = MemberRole.MEMBER
    phone: Phone | None = None
    contact_id: ContactId | None = None


class NewAccount(Strict):
    kind: AccountKind
    name: AccountName
    members: list[AccountMemberIn] = Field(default_factory=list, max_length=40)
    notes: AccountNotes | None = None
    org_id: Id | None = None


class AccountPatch(Strict):
    """Fields present are set; `notes: null` clears the notes."""

    name: AccountName | None = None
    kind: AccountKind | None = None
    notes: AccountNotes | None = None


class AccountAccessIn(Strict):
    """Give the deal's account's members access: each one not already a party is invited as `role`."""

    role: PartyRole = PartyRole.CLIENT
    account_id: Id | None = None  # defaults to the deal's own account


class AccountMergeIn(Strict):
    survivor_id: Id
    duplicate_id: Id
    reason: Reason


class AccountMergeUndoIn(Strict):
    reason: Reason


class InvitationCorrection(Strict):
    """PATCH /v1/admin/invitations/{id}: the address it should have gone to, and why."""

    email: Email
    reason: Reason
