"""What the reports read, kept up to date on write: stage exits (StageDwell), the activation funnel (on
invitations and parties). The report computations themselves are in domain/reports.py."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.entities import Deal, Party, StageDwell
from chalicelib.store.errors import translated
from chalicelib.store.models import InvitationItem, PartyItem, StageDwellItem
from chalicelib.store.table import TableItem, query_all
from chalicelib.store.unit_of_work import UnitOfWork


def record_stage_exit(uow: UnitOfWork, deal: Deal, left_at: datetime) -> StageDwell:
    """Call in the transition's transaction with the deal as it was *before* it left its stage."""
    dwell = StageDwell(
        org_id=deal.org_id,
        workflow=deal.workflow,
        stage=deal.stage,
        deal_id=deal.deal_id,
        entered_at=deal.stage_entered_at,
        left_at=left_at,
        seconds=max(0, int((left_at - deal.stage_entered_at).total_seconds())),
    )
    uow.create(StageDwellItem.from_entity(dwell))
    return dwell


def stage_exits(org_id: str, workflow: str | None = None) -> list[StageDwell]:
    """An org's stage exits (of one workflow): one Query per 1 MB of its dwell partition."""
    partition = StageDwellItem.KEY.partition_for(org_id=org_id)
    condition = TableItem.sk.startswith(f"{workflow}#") if workflow else None
    with translated():
        items = query_all(partition, sort_condition=condition, consistent=False)
    return [i.to_entity() for i in items if isinstance(i, StageDwellItem)]


def note_first_visit(uow: UnitOfWork, deal: Deal, party: Party, at: datetime) -> None:
    """The invitee's first look at the deal after accepting, on the party and on its invitation."""
    assert party.invitation_id is not None
    uow.update(
        PartyItem.from_entity(party),
        {"first_visit_at": at},
        condition=PartyItem.first_visit_at.does_not_exist(),
    )
    uow.update(_invitation(party.invitation_id), {"first_visit_at": at})


def note_first_upload(uow: UnitOfWork, party: Party, at: datetime) -> None:
    """For the upload pipeline: call in the transaction that records a party's document version. It adds
    no condition (it can never make that transaction fail) and does nothing for a party who did not join
    through an invitation or has uploaded before."""
    if party.invitation_id is None or party.first_upload_at is not None:
        return
    uow.update(PartyItem.from_entity(party), {"first_upload_at": at})
    uow.update(_invitation(party.invitation_id), {"first_upload_at": at})


def _invitation(invitation_id: str) -> InvitationItem:
    item = InvitationItem()
    item.invitation_id = invitation_id
    item.pk, item.sk = InvitationItem.key_for(invitation_id=invitation_id)
    return item
