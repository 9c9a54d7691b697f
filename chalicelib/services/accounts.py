"""Accounts: create, read, list and search, edit, add and remove members; an account's deals
(docs/ACCOUNTS.md). Every write is one transaction carrying the change and its activity event (in the
org's log: accounts are staff records)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain import accounts as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.accounts import Account, AccountKind, AccountMember, MemberRole
from chalicelib.domain.entities import Deal
from chalicelib.domain.errors import Conflict, Invalid, NotFound, PreconditionFailed
from chalicelib.domain.events import EventType
from chalicelib.services.activity import org_event
from chalicelib.store import account_records as store
from chalicelib.store import cursors
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.accounts_commands import AccountMemberIn, AccountPatch, NewAccount


def _event(caller: Caller, account: Account, event_type: EventType, summary: str, **data: Any) -> Any:
    return org_event(
        account.org_id,
        caller.actor,
        event_type,
        summary,
        data={"account_id": account.account_id, "name": account.name, **data},
    )


def load(caller: Caller, account_id: str) -> Account:
    """The account, for staff of its org (404 for anyone else, as for a malformed id)."""
    account = store.load(account_id) if ids.looks_like(rules.ACCOUNT_ID_PREFIX, account_id) else None
    if account is None:
        raise NotFound("account not found")
    rules.require_staff(caller, account.org_id)
    return account


def _member(account: Account, wanted: AccountMemberIn, caller: Caller, now: Any) -> AccountMember:
    return rules.with_account_copy(
        AccountMember(
            account_id=account.account_id,
            member_id=rules.member_id_for(account.account_id, wanted.email),
            org_id=account.org_id,
            name=wanted.name,
            email=wanted.email,
            role=MemberRole(wanted.role),
            added_at=now,
            added_by=caller.user_id,
            phone=wanted.phone,
            contact_id=wanted.contact_id,
        ),
        account,
    )


def create(caller: Caller, command: NewAccount) -> Account:
    org_id = rules.org_for(caller, command.org_id)
    emails = [m.email for m in command.members]
    repeated = sorted({e for e in emails if emails.count(e) > 1})
    if repeated:
        raise Invalid("each person is a member once", code="duplicate_member", details={"emails": repeated})
    now = clock.now()
    account = Account(
        account_id=ids.new_id(rules.ACCOUNT_ID_PREFIX),
        org_id=org_id,
        kind=AccountKind(command.kind),
        name=command.name,
        created_at=now,
        created_by=caller.user_id,
        updated_at=now,
        notes=command.notes,
    )
    account.members = [_member(account, m, caller, now) for m in command.members]
    uow = UnitOfWork()
    store.add(uow, account)
    for member in account.members:
        store.add_member(uow, member)
    uow.record(
        _event(
            caller,
            account,
            EventType.ACCOUNT_CREATED,
            f"{caller.label} created the {account.kind.value.replace('_', ' ')} account {account.name}",
            kind=account.kind.value,
            members=[m.member_id for m in account.members],
        )
    )
    uow.commit()
    return account


def update(caller: Caller, account_id: str, patch: AccountPatch, expected_version: int) -> Account:
    before = load(caller, account_id)
    rules.require_active(before)
    if before.version != expected_version:
        raise PreconditionFailed(
            f"the account is at version {before.version}, not {expected_version}; reload it"
        )
    given = patch.model_fields_set
    if ("name" in given and patch.name is None) or ("kind" in given and patch.kind is None):
        raise Invalid("an account needs a name and a kind", code="name_and_kind_required")
    values: dict[str, Any] = {name: getattr(patch, name) for name in given & {"name", "notes"}}
    if "kind" in given and patch.kind is not None:
        values["kind"] = AccountKind(patch.kind)
    after = dataclasses.replace(before, **values)
    changed = [n for n in ("name", "kind", "notes") if getattr(before, n) != getattr(after, n)]
    if not changed:
        return before
    now = clock.now()
    after = dataclasses.replace(after, updated_at=now, version=before.version + 1)
    uow = UnitOfWork()
    store.change(uow, before, after)
    if {"name", "kind"} & set(changed):  # the members' copies, so a search by email shows the new name
        after.members = [rules.with_account_copy(m, after) for m in before.members]
        for old, new in zip(before.members, after.members, strict=True):
            if old.active:
                store.change_member(uow, old, new)
    uow.record(
        _event(
            caller,
            after,
            EventType.ACCOUNT_UPDATED,
            f"{caller.label} updated the account {after.name}",
            changes=[
                {"field": n, "from": _plain(getattr(before, n)), "to": _plain(getattr(after, n))}
                for n in changed
            ],
        )
    )
    uow.commit()
    return after


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, AccountKind) else value


def add_member(caller: Caller, account_id: str, wanted: AccountMemberIn) -> Account:
    """A person joins the account (once per email: a removed member comes back)."""
    account = load(caller, account_id)
    rules.require_active(account)
    now = clock.now()
    member = _member(account, wanted, caller, now)
    existing = next((m for m in account.members if m.member_id == member.member_id), None)
    if existing is not None and existing.active:
        raise Conflict("this person is already a member of the account", code="already_a_member")
    rules.check_room(account, 1)
    after = dataclasses.replace(account, updated_at=now, version=account.version + 1)
    uow = UnitOfWork()
    store.change(uow, account, after, stale=_concurrent_change())
    if existing is None:
        store.add_member(uow, member)
    else:
        member = dataclasses.replace(member, removed_at=None, merged_from=None)
        store.change_member(uow, existing, member)
    uow.record(
        _event(
            caller,
            account,
            EventType.ACCOUNT_MEMBER_ADDED,
            f"{caller.label} added {member.name} to {account.name} as {member.role.value}",
            member_id=member.member_id,
            role=member.role.value,
        )
    )
    uow.commit()
    after.members = [m for m in account.members if m.member_id != member.member_id] + [member]
    return after


def remove_member(caller: Caller, account_id: str, member_id: str) -> Account:
    account = load(caller, account_id)
    rules.require_active(account)
    member = next((m for m in account.members if m.member_id == member_id and m.active), None)
    if member is None:
        raise NotFound("member not found")
    now = clock.now()
    removed = dataclasses.replace(member, removed_at=now)
    after = dataclasses.replace(account, updated_at=now, version=account.version + 1)
    uow = UnitOfWork()
    store.change(uow, account, after, stale=_concurrent_change())
    store.change_member(uow, member, removed)
    uow.record(
        _event(
            caller,
            account,
            EventType.ACCOUNT_MEMBER_REMOVED,
            f"{caller.label} removed {member.name} from {account.name}",
            member_id=member.member_id,
        )
    )
    uow.commit()
    after.members = [removed if m.member_id == member_id else m for m in account.members]
    return after


def _concurrent_change() -> Any:
    from chalicelib.store.errors import write_conflict

    return write_conflict()


@dataclass
class Found:
    accounts: list[Account]
    next_cursor: str | None


def search(
    caller: Caller,
    *,
    org_id: str | None,
    kind: str | None,
    name: str | None,
    email: str | None,
    limit: int,
    cursor: str | None,
) -> Found:
    """The org's active accounts by name (optionally of one kind, with a name prefix), or the accounts a
    person belongs to (by email): one Query per page, after the caller's read."""
    org = rules.org_for(caller, org_id)
    if (name and len(name) > 200) or (email and len(email) > 320):
        raise Invalid("q is at most 200 characters, email at most 320", code="invalid_query")
    if kind is not None and kind not in AccountKind.__members__.values():
        raise Invalid(f"kind must be one of {', '.join(AccountKind)}", code="invalid_kind")
    scope = f"accounts:{caller.user_id}:{org}:{kind}:{name}:{email}"
    start = cursors.decode(scope, cursor)
    if email:
        members = store.by_member_email_page(org, email.strip().lower(), limit=limit, start=start)
        found = [_from_member(m) for m in members.items if kind in (None, m.account_kind)]
        return Found(found, cursors.encode(scope, members.last_key))
    prefix = rules.name_key(name) if name else None
    page = store.by_name_page(org, kind=kind, prefix=prefix or None, limit=limit, start=start)
    return Found(page.items, cursors.encode(scope, page.last_key))


def _from_member(member: AccountMember) -> Account:
    """An account as a search by email knows it (from the member's copy of its name and kind)."""
    return Account(
        account_id=member.account_id,
        org_id=member.org_id,
        kind=AccountKind(member.account_kind),
        name=member.account_name,
        created_at=member.added_at,
        created_by=member.added_by,
        updated_at=member.added_at,
        version=0,
        members=[member],
    )


@dataclass
class DealsFound:
    account: Account
    deals: list[Deal]
    next_cursor: str | None


def deals(caller: Caller, account_id: str, *, limit: int, cursor: str | None) -> DealsFound:
    """An account's deals, newest first: caller, the account (GetItem), one Query per page."""
    account = store.get_header(account_id) if ids.looks_like(rules.ACCOUNT_ID_PREFIX, account_id) else None
    if account is None:
        raise NotFound("account not found")
    rules.require_staff(caller, account.org_id)
    scope = f"account-deals:{account_id}"
    found, last = store.deals_page(account_id, limit=limit, start=cursors.decode(scope, cursor))
    return DealsFound(account, found, cursors.encode(scope, last))


def for_deal(org_id: str, account_id: str | None) -> None:
    """A deal may belong to an active account of its own org (422 `unknown_account` otherwise): one GetItem,
    only when `account_id` is sent."""
    if account_id is None:
        return
    account = store.get_header(account_id) if ids.looks_like(rules.ACCOUNT_ID_PREFIX, account_id) else None
    if account is None or account.org_id != org_id or not store.is_active(account):
        raise Invalid(
            "account_id names no active account of the deal's organization",
            code="unknown_account",
            details=[{"field": "account_id", "problem": "no such account", "type": "unknown_account"}],
        )
