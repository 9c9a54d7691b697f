"""Merging duplicate accounts, and undoing a merge within 30 days (docs/ACCOUNTS.md).

A merge, in one transaction: the duplicate becomes `merged` (it leaves the lists and searches, its members
leave the search by email), the survivor gains the duplicate's members it lacks (by email), and a merge
record keeps what changed. The duplicate's deals then move to the survivor in transactions of at most 90
deals, each conditional on the deal still naming the duplicate and carrying its own event; the merge
record lists them. Should a move fail half-way, repeating the same merge finishes it (the pair is
recognised) and moves only what is left.

An undo, within 30 days, puts everything back: the duplicate active again with its members, the members
the merge added removed from the survivor (only those the merge added), and the deals it moved pointed
back at the duplicate — those still on the survivor.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from chalicelib import clock, ids
from chalicelib.domain import accounts as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.accounts import Account, AccountMerge, AccountStatus, MergeStatus
from chalicelib.domain.entities import Deal
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.events import EventType
from chalicelib.services.activity import org_event
from chalicelib.store import account_records as store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.accounts_commands import AccountMergeIn, AccountMergeUndoIn

DEALS_PER_TRANSACTION = 90


def _account(caller: Caller, account_id: str) -> Account:
    account = store.load(account_id) if ids.looks_like(rules.ACCOUNT_ID_PREFIX, account_id) else None
    if account is None or caller.staff_role(account.org_id) is None:
        raise NotFound("account not found")
    return account


def merge(caller: Caller, command: AccountMergeIn) -> AccountMerge:
    survivor = _account(caller, command.survivor_id)
    duplicate = _account(caller, command.duplicate_id)
    rules.require_merge_rights(caller, survivor.org_id)
    if duplicate.status is AccountStatus.MERGED and duplicate.merged_into == survivor.account_id:
        return _finish(caller, duplicate)  # the same merge again: finish moving its deals
    now = clock.now()
    merge_id = ids.new_id(rules.MERGE_ID_PREFIX)
    plan = rules.plan_merge(survivor, duplicate, merge_id, now, caller.user_id)
    record = AccountMerge(
        merge_id=merge_id,
        org_id=survivor.org_id,
        survivor_id=survivor.account_id,
        duplicate_id=duplicate.account_id,
        status=MergeStatus.DONE,
        reason=command.reason,
        merged_at=now,
        merged_by=caller.user_id,
        undo_until=now + rules.UNDO_WINDOW,
        added_member_ids=[m.member_id for m in plan.added],
    )
    uow = UnitOfWork()
    merged = dataclasses.replace(
        duplicate,
        status=AccountStatus.MERGED,
        merged_into=survivor.account_id,
        merge_id=merge_id,
        updated_at=now,
    )
    store.change(uow, duplicate, merged, stale=_changed())
    for member in duplicate.active_members():  # out of the search by email, with their account
        store.change_member(uow, member, dataclasses.replace(member, account_active=False))
    store.change(uow, survivor, dataclasses.replace(survivor, updated_at=now), stale=_changed())
    existing = {m.member_id: m for m in survivor.members}
    for member in plan.added:
        if member.member_id in existing:
            store.change_member(uow, existing[member.member_id], dataclasses.replace(member, removed_at=None))
        else:
            store.add_member(uow, member)
    store.add_merge(uow, record)
    uow.record(
        org_event(
            survivor.org_id,
            caller.actor,
            EventType.ACCOUNTS_MERGED,
            f"{caller.label} merged {duplicate.name} into {survivor.name}",
            data={
                "merge_id": merge_id,
                "survivor_id": survivor.account_id,
                "duplicate_id": duplicate.account_id,
                "added_member_ids": record.added_member_ids,
                "reason": command.reason,
            },
        )
    )
    uow.commit()
    return _move_deals(caller, record, duplicate.account_id, survivor.account_id)


def _finish(caller: Caller, duplicate: Account) -> AccountMerge:
    record = store.get_merge(duplicate.merge_id or "")
    if record is None or record.status is not MergeStatus.DONE:
        raise Conflict("this account was merged already", code="account_merged")
    return _move_deals(caller, record, record.duplicate_id, record.survivor_id)


def _move_deals(
    caller: Caller, record: AccountMerge, from_id: str, to_id: str, *, only: set[str] | None = None
) -> AccountMerge:
    """Move the deals of `from_id` (those in `only`, for an undo) to `to_id`, 90 per transaction."""
    deals = [d for d in _deals(from_id) if only is None or d.deal_id in only]
    moved: list[str] = []
    for start in range(0, len(deals), DEALS_PER_TRANSACTION):
        chunk = deals[start : start + DEALS_PER_TRANSACTION]
        uow = UnitOfWork()
        for deal in chunk:
            store.set_deal_account(uow, deal, to_id, was=from_id)
        after = record
        if only is None:  # a merge: the record lists what it moved, for the undo
            after = dataclasses.replace(
                record, moved_deal_ids=[*record.moved_deal_ids, *(d.deal_id for d in chunk)]
            )
            store.change_merge(uow, record, after)
        uow.record(
            org_event(
                record.org_id,
                caller.actor,
                EventType.ACCOUNT_DEALS_MOVED,
                f"{len(chunk)} deal(s) moved to another account",
                data={
                    "merge_id": record.merge_id,
                    "from_account_id": from_id,
                    "to_account_id": to_id,
                    "deal_ids": [d.deal_id for d in chunk],
                },
            )
        )
        uow.commit()
        record = after
        moved += [d.deal_id for d in chunk]
    return record


def _deals(account_id: str) -> list[Deal]:
    found: list[Deal] = []
    start = None
    while True:
        page, start = store.deals_page(account_id, limit=100, start=start)
        found += page
        if start is None:
            return found


def undo(caller: Caller, merge_id: str, command: AccountMergeUndoIn) -> AccountMerge:
    record = store.get_merge(merge_id) if ids.looks_like(rules.MERGE_ID_PREFIX, merge_id) else None
    if record is None or caller.staff_role(record.org_id) is None:
        raise NotFound("merge not found")
    rules.require_merge_rights(caller, record.org_id)
    now = clock.now()
    rules.require_undoable(record, now)
    survivor = store.load(record.survivor_id)
    duplicate = store.load(record.duplicate_id)
    if survivor is None or duplicate is None:
        raise NotFound("merge not found")
    undone = dataclasses.replace(
        record, status=MergeStatus.UNDONE, undone_at=now, undone_by=caller.user_id, undo_reason=command.reason
    )
    uow = UnitOfWork()
    store.change_merge(uow, record, undone)
    restored = dataclasses.replace(
        duplicate, status=AccountStatus.ACTIVE, merged_into=None, merge_id=None, updated_at=now
    )
    store.change(uow, duplicate, restored, stale=_changed())
    for member in duplicate.active_members():
        store.change_member(uow, member, dataclasses.replace(member, account_active=True))
    store.change(uow, survivor, dataclasses.replace(survivor, updated_at=now), stale=_changed())
    added = set(record.added_member_ids)
    for member in survivor.active_members():
        if member.member_id in added and member.merged_from == record.merge_id:
            store.change_member(uow, member, dataclasses.replace(member, removed_at=now))
    uow.record(
        org_event(
            record.org_id,
            caller.actor,
            EventType.ACCOUNT_MERGE_UNDONE,
            f"{caller.label} undid the merge of {duplicate.name} into {survivor.name}",
            data={
                "merge_id": record.merge_id,
                "survivor_id": record.survivor_id,
                "duplicate_id": record.duplicate_id,
                "reason": command.reason,
            },
        )
    )
    uow.commit()
    _move_deals(caller, undone, record.survivor_id, record.duplicate_id, only=set(record.moved_deal_ids))
    return undone


def _changed() -> Conflict:
    return Conflict("the account changed meanwhile; try again", code="account_changed")
