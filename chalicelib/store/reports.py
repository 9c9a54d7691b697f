"""What the reports read, kept up to date on write: stage exits (StageDwell), the activation funnel (on
invitations and parties), and the org-level indexes of open work (open tasks by due date, required
requests waiting on an upload). The report computations themselves are in domain/reports.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain.entities import Deal, DocumentRequest, Invitation, Party, StageDwell, Task
from chalicelib.store import schema
from chalicelib.store.errors import translated
from chalicelib.store.models import (
    MISSING_DOCUMENTS,
    OPEN_TASKS_BY_DUE,
    DocumentRequestItem,
    InvitationItem,
    PartyItem,
    StageDwellItem,
    TaskItem,
)
from chalicelib.store.table import TableItem, query_page
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


def stage_exits(
    org_id: str, *, start: datetime | None = None, end: datetime | None = None, workflow: str | None = None
) -> list[StageDwell]:
    """An org's stage exits in [start, end) (of one workflow): the range is the key condition, so only
    those exits are read — one Query per 1 MB of them. A workflow is a filter (the same items are read)."""
    partition = StageDwellItem.KEY.partition_for(org_id=org_id)
    condition = TableItem.sk.between(iso(start), iso(end)) if start and end else None
    found: list[StageDwell] = []
    last: dict[str, Any] | None = None
    while True:
        with translated():
            page = query_page(
                partition,
                sort_condition=condition,
                filter_condition=(StageDwellItem.workflow == workflow) if workflow else None,
                limit=1000,
                start_key=last,
            )
        found += [i.to_entity() for i in page.items if isinstance(i, StageDwellItem)]
        if page.last_key is None:
            return found
        last = page.last_key


def invitations(
    org_id: str, *, start: datetime, end: datetime, workflow: str | None = None
) -> list[Invitation]:
    """An org's invitations created in [start, end), oldest first: the range is GSI2's key condition."""
    partition = InvitationItem.INDEXES[schema.GSI2].partition_for(org_id=org_id)
    found: list[Invitation] = []
    last: dict[str, Any] | None = None
    while True:
        with translated():
            page = query_page(
                partition,
                index=schema.GSI2,
                sort_condition=TableItem.gsi2sk.between(iso(start), iso(end)),
                filter_condition=(InvitationItem.workflow == workflow) if workflow else None,
                limit=1000,
                start_key=last,
            )
        found += [i.to_entity() for i in page.items if isinstance(i, InvitationItem)]
        if page.last_key is None:
            return found
        last = page.last_key


@dataclass
class OpenWorkPage:
    records: list[Any]  # Task or DocumentRequest, in index order
    last_key: dict[str, Any] | None


def overdue_tasks_page(
    org_id: str, now: datetime, *, workflow: str | None, limit: int, start: dict[str, Any] | None
) -> OpenWorkPage:
    """The org's open tasks due before `now`, most overdue first: exactly one Query on GSI1."""
    with translated():
        page = query_page(
            OPEN_TASKS_BY_DUE.partition_for(org_id=org_id),
            index=schema.GSI1,
            sort_condition=TableItem.gsi1sk < iso(now),
            filter_condition=(TaskItem.workflow == workflow) if workflow else None,
            limit=limit,
            start_key=start,
        )
    tasks: list[Task] = [i.to_entity() for i in page.items if isinstance(i, TaskItem)]
    return OpenWorkPage(tasks, page.last_key)


def waiting_requests_page(
    org_id: str, *, workflow: str | None, limit: int, start: dict[str, Any] | None
) -> OpenWorkPage:
    """The org's required requests waiting on an upload, soonest due first (undated last): one Query."""
    with translated():
        page = query_page(
            MISSING_DOCUMENTS.partition_for(org_id=org_id),
            index=schema.GSI1,
            filter_condition=(DocumentRequestItem.workflow == workflow) if workflow else None,
            limit=limit,
            start_key=start,
        )
    requests: list[DocumentRequest] = [
        i.to_entity() for i in page.items if isinstance(i, DocumentRequestItem)
    ]
    return OpenWorkPage(requests, page.last_key)


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
