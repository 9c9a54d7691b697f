"""Writes and org-level reads of change requests (keys: store/change_request_models.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.change_requests import ChangeRequest
from chalicelib.domain.errors import Conflict
from chalicelib.store import schema
from chalicelib.store.change_request_models import ChangeRequestItem
from chalicelib.store.errors import translated
from chalicelib.store.table import TableItem, query_page
from chalicelib.store.unit_of_work import UnitOfWork, changes_between


def add(uow: UnitOfWork, cr: ChangeRequest) -> None:
    uow.create(ChangeRequestItem.from_entity(cr))


def change(uow: UnitOfWork, before: ChangeRequest, after: ChangeRequest, *, follow_up: bool = False) -> None:
    """Write a request's new state on the condition that nobody decided on it meanwhile (its version):
    of two approvers deciding at once, one wins and the other is told to reload."""
    changes = changes_between(before, after)
    changes.pop("version", None)
    if after.due_at != before.due_at:
        changes["reminded"] = None  # a fresh SLA: its reminders start over
    uow.update(
        ChangeRequestItem.from_entity(before),
        changes,
        expected_version=before.version,
        on_fail=Conflict(
            "someone decided on this change request at the same time; reload it to see where it stands",
            code="change_request_changed",
        ),
        follow_up=follow_up,
    )


def org_open_page(
    org_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[ChangeRequest], dict[str, Any] | None]:
    """An org's open requests, oldest first: one Query on the sparse GSI2."""
    with translated():
        page = query_page(
            ChangeRequestItem.INDEXES[schema.GSI2].partition_for(org_id=org_id),
            index=schema.GSI2,
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, ChangeRequestItem)], page.last_key


def org_decided(org_id: str, since: str, until: str) -> list[ChangeRequest]:
    """An org's requests decided in [since, until): Queries on the sparse GSI1, 1 per 1 MB."""
    found: list[ChangeRequest] = []
    start: dict[str, Any] | None = None
    while True:
        with translated():
            page = query_page(
                ChangeRequestItem.INDEXES[schema.GSI1].partition_for(org_id=org_id),
                index=schema.GSI1,
                sort_condition=TableItem.gsi1sk.between(since, until),
                limit=1000,
                start_key=start,
            )
        found += [i.to_entity() for i in page.items if isinstance(i, ChangeRequestItem)]
        if page.last_key is None:
            return found
        start = page.last_key
