"""Invitations: by id, by token hash, and every invitation of an org (the activation report)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.entities import Invitation
from chalicelib.domain.errors import DomainError
from chalicelib.store import schema
from chalicelib.store.errors import translated, write_conflict
from chalicelib.store.models import InvitationItem
from chalicelib.store.table import query_page
from chalicelib.store.unit_of_work import UnitOfWork, already_exists, changes_between


def get(invitation_id: str) -> Invitation | None:
    """One consistent GetItem."""
    key = InvitationItem.key_for(invitation_id=invitation_id)
    with translated():
        try:
            item = InvitationItem.get(key[0], key[1], consistent_read=True)
        except DoesNotExist:
            return None
    invitation: Invitation = item.to_entity()
    return invitation


def by_token_hash(token_hash: str) -> Invitation | None:
    """One Query on GSI1. The index is eventually consistent, so the accept transaction re-checks
    the hash on the invitation itself: a token replaced a moment ago cannot slip through."""
    partition = InvitationItem.INDEXES[schema.GSI1].partition_for(token_hash=token_hash)
    with translated():
        page = query_page(partition, index=schema.GSI1, limit=1)
    return next((i.to_entity() for i in page.items if isinstance(i, InvitationItem)), None)


def add(uow: UnitOfWork, invitation: Invitation) -> None:
    uow.create(InvitationItem.from_entity(invitation), on_exists=already_exists("this invitation"))


def change(
    uow: UnitOfWork, before: Invitation, after: Invitation, *, on_fail: DomainError | None = None
) -> None:
    """Write the changed fields, on the condition that the invitation is still in the state (and has the
    token) it was read with: of two concurrent resends or accepts, one wins and the other is refused."""
    uow.update(
        InvitationItem.from_entity(before),
        changes_between(before, after),
        condition=(InvitationItem.status == before.status.value)
        & (InvitationItem.token_hash == before.token_hash),
        on_fail=on_fail or write_conflict(),
    )


def org_invitations(org_id: str) -> list[Invitation]:
    """Every invitation of an org, oldest first (GSI2, following pages)."""
    partition = InvitationItem.INDEXES[schema.GSI2].partition_for(org_id=org_id)
    found: list[Invitation] = []
    start = None
    while True:
        with translated():
            page = query_page(partition, index=schema.GSI2, limit=1000, start_key=start)
        found += [i.to_entity() for i in page.items if isinstance(i, InvitationItem)]
        if page.last_key is None:
            return found
        start = page.last_key


# -- issue 13: a deal's pending invitations ----------------------------------------------------------


def get_many(invitation_ids: list[str]) -> list[Invitation]:
    """Invitations by id: one consistent BatchGetItem per 100."""
    if not invitation_ids:
        return []
    keys = [InvitationItem.key_for(invitation_id=i) for i in invitation_ids]
    with translated():
        items = list(InvitationItem.batch_get(keys, consistent_read=True))
    return [i.to_entity() for i in items if isinstance(i, InvitationItem)]
