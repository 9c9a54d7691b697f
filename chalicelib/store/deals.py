"""Deals, their parties, stage history and workspace; the deal feeds and the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.entities import Deal, DealSummary, Party, Property, StageChange
from chalicelib.domain.errors import Conflict, DomainError, NotFound, PreconditionFailed
from chalicelib.domain.roles import PartyStatus
from chalicelib.domain.views import Workspace
from chalicelib.store import external_ids, schema
from chalicelib.store.change_request_models import ChangeRequestItem
from chalicelib.store.errors import translated, write_conflict
from chalicelib.store.models import (
    DEAL_HEADER_PREFIX,
    WORKSPACE_PREFIX,
    DealItem,
    DocumentItem,
    DocumentRequestItem,
    PartyItem,
    PropertyItem,
    StageChangeItem,
    TaskItem,
)
from chalicelib.store.table import Page, TableItem, query_all, query_page, to_item_value
from chalicelib.store.unit_of_work import UnitOfWork, changes_between


def deal_partition(deal_id: str) -> str:
    return DealItem.KEY.partition_for(deal_id=deal_id)


# -- reads --------------------------------------------------------------------------------------


def load_header(deal_id: str) -> tuple[Deal | None, list[Party]]:
    """The deal and its parties (all that authorization needs): one Query."""
    with translated():
        items = query_all(deal_partition(deal_id), sort_condition=TableItem.sk.startswith(DEAL_HEADER_PREFIX))
    deal = next((i.to_entity() for i in items if isinstance(i, DealItem)), None)
    return deal, [i.to_entity() for i in items if isinstance(i, PartyItem)]


def load_workspace(deal_id: str) -> Workspace | None:
    """Deal, parties, stage history, tasks, document requests and documents: one Query, however many
    tasks and documents (pages past 1 MB only for a very large deal)."""
    with translated():
        items = query_all(deal_partition(deal_id), sort_condition=TableItem.sk.startswith(WORKSPACE_PREFIX))
    deal = next((i for i in items if isinstance(i, DealItem)), None)
    if deal is None:
        return None
    ws = Workspace(deal=deal.to_entity())
    buckets: dict[type[TableItem], list[Any]] = {
        PartyItem: ws.parties,
        StageChangeItem: ws.stage_history,
        TaskItem: ws.tasks,
        DocumentRequestItem: ws.document_requests,
        DocumentItem: ws.documents,
        ChangeRequestItem: ws.change_requests,
    }
    for item in items:
        bucket = buckets.get(type(item))
        if bucket is not None:
            bucket.append(item.to_entity())
    return ws


def deals_by_id(deal_ids: set[str]) -> dict[str, Deal]:
    """The deal items alone (no parties), by id: one BatchGetItem per 100 deals, eventually consistent
    (reports and the sweep's fallback, which show or skip a deal, never write from what they read)."""
    keys = sorted(DealItem.key_for(deal_id=d) for d in deal_ids)
    with translated():
        return {i.deal_id: i.to_entity() for i in DealItem.batch_get(keys) if isinstance(i, DealItem)}


@dataclass
class SummaryPage:
    items: list[DealSummary]
    last_key: dict[str, Any] | None


def user_feed_page(
    user_id: str,
    *,
    limit: int,
    start: dict[str, Any] | None,
    workflow: str | None = None,
    stage: str | None = None,
) -> SummaryPage:
    """A user's deals (as an active party), newest activity first: one Query on GSI1."""
    condition = None
    if workflow:
        condition = PartyItem.workflow == workflow
    if stage:
        condition = (
            (PartyItem.stage == stage) if condition is None else condition & (PartyItem.stage == stage)
        )
    with translated():
        page = query_page(
            PartyItem.INDEXES[schema.GSI1].partition_for(user_id=user_id),
            index=schema.GSI1,
            filter_condition=condition,
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return SummaryPage([i.to_summary() for i in page.items if isinstance(i, PartyItem)], page.last_key)


def org_feed_page(org_id: str, *, limit: int, start: dict[str, Any] | None) -> SummaryPage:
    """Every deal of an org, newest activity first: one Query on GSI1."""
    with translated():
        page = query_page(
            DealItem.INDEXES[schema.GSI1].partition_for(org_id=org_id),
            index=schema.GSI1,
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return SummaryPage(
        [summary_of(i.to_entity()) for i in page.items if isinstance(i, DealItem)], page.last_key
    )


def pipeline_page(
    org_id: str, workflow: str, *, stage: str | None, limit: int, start: dict[str, Any] | None
) -> tuple[list[Deal], dict[str, Any] | None]:
    """An org's deals of one workflow, by stage, longest in stage first: one Query on GSI2."""
    with translated():
        page: Page = query_page(
            DealItem.INDEXES[schema.GSI2].partition_for(org_id=org_id, workflow=workflow),
            index=schema.GSI2,
            sort_condition=TableItem.gsi2sk.startswith(f"{stage}#") if stage else None,
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, DealItem)], page.last_key


def summary_of(deal: Deal, role: str | None = None) -> DealSummary:
    return DealSummary(
        deal_id=deal.deal_id,
        org_id=deal.org_id,
        workflow=deal.workflow,
        title=deal.title,
        stage=deal.stage,
        address=deal.address,
        last_activity_at=deal.last_activity_at,
        unit=deal.unit,
        role=role,
    )


# -- writes -------------------------------------------------------------------------------------


def _summary_fields(deal: Deal) -> dict[str, Any]:
    """What a party item carries of its deal for the user's feed."""
    return {
        "title": deal.title,
        "workflow": deal.workflow,
        "stage": deal.stage,
        "address": to_item_value(deal.address),
        "unit": deal.unit,
        "last_activity_at": deal.last_activity_at,
    }


def add_deal(uow: UnitOfWork, deal: Deal) -> None:
    uow.create(DealItem.from_entity(deal))
    if deal.external_id:
        external_ids.claim(uow, deal)  # never two deals with one external id in an org (bulk import)


def upsert_property(uow: UnitOfWork, prop: Property) -> None:
    item = PropertyItem.from_entity(prop)
    # an upsert writes only what it names: the type and id too, so the record reads back (docs/INTAKE.md)
    changes = {
        "org_id": prop.org_id,
        "address": prop.address,
        "kind": PropertyItem,
        "property_id": prop.property_id,
    }
    uow.update(item, {**changes, "created_at": prop.created_at}, must_exist=False)


def change_deal(uow: UnitOfWork, before: Deal, after: Deal, *, on_stale: DomainError | None = None) -> None:
    """Write a deal's changed fields. A version bump in `after` (before.version + 1) makes it an
    optimistic write: it holds only if the stored deal is still at `before.version` (else 412, or
    `on_stale` where the caller named no version: a change request applied to a deal that moved)."""
    changes = changes_between(before, after)
    versioned = changes.pop("version", None) is not None
    if versioned and after.version != before.version + 1:
        raise ValueError("a deal's version moves one step at a time")
    uow.update(
        DealItem.from_entity(before),
        changes,
        expected_version=before.version if versioned else None,
        on_fail=(
            on_stale or PreconditionFailed("the deal changed since you loaded it; reload it and try again")
        )
        if versioned
        else write_conflict(),
    )


def add_party(uow: UnitOfWork, party: Party, deal: Deal) -> None:
    uow.create(
        PartyItem.from_entity(party, **_summary_fields(deal)),
        on_exists=Conflict("this person is already a party to the deal", code="already_a_party"),
    )


def change_party(uow: UnitOfWork, before: Party, after: Party, deal: Deal) -> None:
    """Change a party, on the condition it is still in the state it was read in."""
    item = PartyItem.from_entity(before, **_summary_fields(deal))
    changes = changes_between(before, after)
    if after.status is PartyStatus.ACTIVE:
        changes.update(_summary_fields(deal))  # joining the feed needs a current summary
    uow.update(
        item,
        changes,
        condition=PartyItem.status == before.status.value,
        on_fail=NotFound("party not found") if before.status is PartyStatus.REVOKED else write_conflict(),
    )


def add_stage_change(uow: UnitOfWork, change: StageChange) -> None:
    uow.create(StageChangeItem.from_entity(change))


def touch(uow: UnitOfWork, deal: Deal, parties: list[Party], at: datetime) -> None:
    """Mark activity on a deal: its own feed position and that of every active party, with a fresh
    summary (title and stage may have just changed in this same unit of work)."""
    deal.last_activity_at = at
    uow.update(DealItem.from_entity(deal), {"last_activity_at": at})
    fields = _summary_fields(deal)
    for party in parties:
        if party.status is not PartyStatus.ACTIVE:
            continue
        uow.update(
            PartyItem.from_entity(party, **fields),
            fields,
            condition=PartyItem.status == PartyStatus.ACTIVE.value,
        )
