"""Accounts, their members and merges (docs/ACCOUNTS.md): reads and staged writes.

(`store/accounts.py` is the sign-in side: Cognito users. This module is the org's account records.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.accounts import Account, AccountMember, AccountMerge, AccountStatus
from chalicelib.domain.entities import Deal
from chalicelib.domain.errors import Conflict, PreconditionFailed
from chalicelib.store import schema
from chalicelib.store.account_models import (
    ACCOUNT_PREFIX,
    BY_EMAIL,
    BY_KIND,
    BY_NAME,
    AccountItem,
    AccountMemberItem,
    AccountMergeItem,
    item_name,
)
from chalicelib.store.errors import translated, write_conflict
from chalicelib.store.models import DealItem
from chalicelib.store.table import TableItem, query_all, query_page
from chalicelib.store.unit_of_work import UnitOfWork, already_exists, changes_between


def account_partition(account_id: str) -> str:
    return AccountItem.KEY.partition_for(account_id=account_id)


# -- reads --------------------------------------------------------------------------------------


def load(account_id: str) -> Account | None:
    """The account and every member (removed ones too): one consistent Query."""
    with translated():
        items = query_all(
            account_partition(account_id), sort_condition=TableItem.sk.startswith(ACCOUNT_PREFIX)
        )
    head = next((i for i in items if isinstance(i, AccountItem)), None)
    if head is None:
        return None
    account = head.to_account()
    account.members = sorted(
        (i.to_entity() for i in items if isinstance(i, AccountMemberItem)),
        key=lambda m: (m.added_at, m.email),
    )
    return account


def get_header(account_id: str) -> Account | None:
    """The account alone (a deal naming it): one consistent GetItem."""
    key = AccountItem.key_for(account_id=account_id)
    with translated():
        try:
            item = AccountItem.get(key[0], key[1], consistent_read=True)
        except DoesNotExist:
            return None
    return item.to_account()


@dataclass
class AccountPage:
    items: list[Account]
    last_key: dict[str, Any] | None


def by_name_page(
    org_id: str, *, kind: str | None, prefix: str | None, limit: int, start: dict[str, Any] | None
) -> AccountPage:
    """An org's active accounts by name (of one kind, with a name prefix): one Query."""
    if kind:
        partition, index = BY_KIND.partition_for(org_id=org_id, account_kind=kind), schema.GSI2
        sort_key = TableItem.gsi2sk
    else:
        partition, index = BY_NAME.partition_for(org_id=org_id), schema.GSI1
        sort_key = TableItem.gsi1sk
    with translated():
        page = query_page(
            partition,
            index=index,
            sort_condition=sort_key.startswith(prefix) if prefix else None,
            limit=limit,
            start_key=start,
        )
    return AccountPage([i.to_account() for i in page.items if isinstance(i, AccountItem)], page.last_key)


@dataclass
class MemberPage:
    items: list[AccountMember]
    last_key: dict[str, Any] | None


def by_member_email_page(org_id: str, email: str, *, limit: int, start: dict[str, Any] | None) -> MemberPage:
    """The active accounts a person (by email) belongs to: one Query; each member carries its account's
    name and kind."""
    with translated():
        page = query_page(
            BY_EMAIL.partition_for(org_id=org_id, email=email),
            index=schema.GSI1,
            limit=limit,
            start_key=start,
        )
    return MemberPage([i.to_entity() for i in page.items if isinstance(i, AccountMemberItem)], page.last_key)


def deals_page(account_id: str, *, limit: int, start: dict[str, Any] | None) -> tuple[list[Deal], Any]:
    """An account's deals, newest first: one Query (GSI3 of the deal items)."""
    with translated():
        page = query_page(
            DealItem.INDEXES[schema.GSI3].partition_for(account_id=account_id),
            index=schema.GSI3,
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return [i.to_entity() for i in page.items if isinstance(i, DealItem)], page.last_key


def all_deal_ids(account_id: str) -> list[str]:
    """Every deal of an account (a merge moves them): one Query per 1 MB."""
    found: list[str] = []
    start = None
    while True:
        deals, start = deals_page(account_id, limit=1000, start=start)
        found += [d.deal_id for d in deals]
        if start is None:
            return found


def get_merge(merge_id: str) -> AccountMerge | None:
    key = AccountMergeItem.key_for(merge_id=merge_id)
    with translated():
        try:
            item = AccountMergeItem.get(key[0], key[1], consistent_read=True)
        except DoesNotExist:
            return None
    merge: AccountMerge = item.to_entity()
    return merge


# -- writes -------------------------------------------------------------------------------------


def add(uow: UnitOfWork, account: Account) -> None:
    uow.create(AccountItem.from_account(account), on_exists=already_exists("this account"))


def change(uow: UnitOfWork, before: Account, after: Account, *, stale: Conflict | None = None) -> None:
    """The account's changed fields, on the condition its stored version is the one read (412, or
    `stale` where the caller named no version)."""
    changes = {item_name(k): v for k, v in changes_between(before, after).items() if k != "members"}
    changes.pop("version", None)
    changes["version"] = before.version + 1
    uow.update(
        AccountItem.from_account(before),
        changes,
        condition=AccountItem.version == before.version,
        on_fail=stale or PreconditionFailed("the account changed since you loaded it; reload it"),
    )


def add_member(uow: UnitOfWork, member: AccountMember) -> None:
    uow.create(
        AccountMemberItem.from_entity(member),
        on_exists=Conflict("this person is already a member of the account", code="already_a_member"),
    )


def change_member(uow: UnitOfWork, before: AccountMember, after: AccountMember) -> None:
    """On the condition the member is still present or removed as it was read."""
    was_removed = before.removed_at is not None
    condition = (
        AccountMemberItem.removed_at.exists()
        if was_removed
        else AccountMemberItem.removed_at.does_not_exist()
    )
    uow.update(
        AccountMemberItem.from_entity(before),
        changes_between(before, after),
        condition=condition,
        on_fail=write_conflict(),
    )


def set_deal_account(uow: UnitOfWork, deal: Deal, account_id: str | None, *, was: str | None) -> None:
    """Point a deal at another account, on the condition it still names the one it was read with (a merge
    moving deals, or its undo). The deal's version does not move: its details did not change."""
    condition = DealItem.account_id == was if was else DealItem.account_id.does_not_exist()
    uow.update(
        DealItem.from_entity(deal), {"account_id": account_id}, condition=condition, on_fail=write_conflict()
    )


def add_merge(uow: UnitOfWork, merge: AccountMerge) -> None:
    uow.create(AccountMergeItem.from_entity(merge), on_exists=already_exists("this merge"))


def change_merge(uow: UnitOfWork, before: AccountMerge, after: AccountMerge) -> None:
    uow.update(
        AccountMergeItem.from_entity(before),
        changes_between(before, after),
        condition=AccountMergeItem.status == before.status.value,
        on_fail=Conflict("this merge was already undone", code="merge_undone"),
    )


def is_active(account: Account) -> bool:
    return account.status is AccountStatus.ACTIVE
