"""The items of accounts (docs/ACCOUNTS.md); their keys are declared here, once.

ACCOUNT#{account_id}  A#ACCOUNT               the account
                      A#MEMBER#{member_id}    its members (the id derives from account and email)
  GSI1  ORG#{org_id}#ACCOUNTS / {name_key}#{account_id}            the org's accounts by name (active)
  GSI2  ORG#{org_id}#ACCOUNTS#{kind} / {name_key}#{account_id}     the same, one partition per kind
  GSI1  ORG#{org_id}#ACCOUNT_EMAIL#{email} / {account_id}#{member_id}   members by email (search)
ACCOUNT_MERGE#{merge_id}  MERGE               what a merge changed, to undo it
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.domain.accounts import Account, AccountMember, AccountMerge, AccountStatus, name_key
from chalicelib.store import schema
from chalicelib.store.table import (
    KeyFormat,
    TableItem,
    _to_entity_value,
    share_connection,
    to_item_value,
    type_hints,
)

ACCOUNT_PREFIX = "A#"
BY_NAME = KeyFormat("ORG#{org_id}#ACCOUNTS", "{name_key}#{account_id}")
BY_KIND = KeyFormat("ORG#{org_id}#ACCOUNTS#{account_kind}", "{name_key}#{account_id}")
BY_EMAIL = KeyFormat("ORG#{org_id}#ACCOUNT_EMAIL#{email}", "{account_id}#{member_id}")


def item_name(field: str) -> str:
    """An account's field as its item names it."""
    return "account_kind" if field == "kind" else field


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


class AccountItem(TableItem, discriminator="Account"):
    KEY = KeyFormat("ACCOUNT#{account_id}", ACCOUNT_PREFIX + "ACCOUNT")
    INDEXES = {schema.GSI1: BY_NAME, schema.GSI2: BY_KIND}
    INDEX_DEPENDS = {schema.GSI1: frozenset({"status", "name"}), schema.GSI2: frozenset({"status", "name"})}
    ENTITY = Account

    account_id = _text(False)
    org_id = _text(False)
    account_kind = _text(False)  # the entity's `kind` (`kind` is every item's discriminator)
    name = _text(False)
    created_at = _text(False)
    created_by = _text(False)
    updated_at = _text(False)
    version = NumberAttribute()
    status = _text(False)
    notes = _text()
    merged_into = _text()
    merge_id = _text()

    @classmethod
    def from_account(cls, account: Account) -> AccountItem:
        item = cls()
        for f in dataclasses.fields(account):
            if f.name != "members":
                setattr(item, item_name(f.name), to_item_value(getattr(account, f.name)))
        item.refresh_keys()
        return item

    def to_account(self) -> Account:
        hints = type_hints(Account)
        values = {
            f.name: _to_entity_value(getattr(self, item_name(f.name), None), hints[f.name])
            for f in dataclasses.fields(Account)
            if f.name != "members"
        }
        return Account(**{k: v for k, v in values.items() if v is not None})

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        values["name_key"] = name_key(str(self.name)) if self.name else None
        return values

    def index_enabled(self, index: str) -> bool:
        return self.status == AccountStatus.ACTIVE.value


class AccountMemberItem(TableItem, discriminator="AccountMember"):
    KEY = KeyFormat("ACCOUNT#{account_id}", ACCOUNT_PREFIX + "MEMBER#{member_id}")
    INDEXES = {schema.GSI1: BY_EMAIL}
    INDEX_DEPENDS = {schema.GSI1: frozenset({"removed_at", "account_active"})}
    ENTITY = AccountMember

    account_id = _text(False)
    member_id = _text(False)
    org_id = _text(False)
    name = _text(False)
    email = _text(False)
    role = _text(False)
    added_at = _text(False)
    added_by = _text(False)
    phone = _text()
    contact_id = _text()
    removed_at = _text()
    merged_from = _text()
    account_name = _text()
    account_kind = _text()
    account_active = BooleanAttribute(null=True)

    def index_enabled(self, index: str) -> bool:
        return self.removed_at is None and self.account_active is not False


class AccountMergeItem(TableItem, discriminator="AccountMerge"):
    KEY = KeyFormat("ACCOUNT_MERGE#{merge_id}", "MERGE")
    ENTITY = AccountMerge

    merge_id = _text(False)
    org_id = _text(False)
    survivor_id = _text(False)
    duplicate_id = _text(False)
    status = _text(False)
    reason = _text(False)
    merged_at = _text(False)
    merged_by = _text(False)
    undo_until = _text(False)
    added_member_ids = ListAttribute(null=True)  # type: ignore[var-annotated]
    moved_deal_ids = ListAttribute(null=True)  # type: ignore[var-annotated]
    undone_at = _text()
    undone_by = _text()
    undo_reason = _text()


ACCOUNT_ITEM_CLASSES: tuple[type[TableItem], ...] = (AccountItem, AccountMemberItem, AccountMergeItem)
share_connection(*ACCOUNT_ITEM_CLASSES)  # store/models.py: LAZY_ITEM_MODULES
