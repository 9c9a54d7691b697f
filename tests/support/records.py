"""Records the workflow engine would create, written straight to the table for ops tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain.entities import Task
from chalicelib.domain.roles import Visibility
from chalicelib.store.models import DealItem, TaskItem


def add_task(
    deal_id: str,
    owner_user_id: str | None,
    *,
    title: str = "A task",
    status: str = "open",
    owner_role: str = "agent",
    due_at: datetime | None = None,
    visibility: Visibility = Visibility.PARTIES,
    restricted_to: tuple[str, ...] = (),
    stage: str = "due_diligence",
) -> Task:
    task = Task(
        deal_id,
        ids.new_id("t"),
        title,
        stage,
        owner_role,
        status,
        visibility,
        clock.now(),
        owner_user_id=owner_user_id,
        due_at=due_at,
        restricted_to=list(restricted_to),
        **deal_copies(deal_id),
    )
    TaskItem.from_entity(task).save()
    return task


def deal_copies(deal_id: str) -> dict[str, Any]:
    """What a task or request copies from its deal (the workflow engine writes them from the deal)."""
    deal = DealItem.get(*DealItem.key_for(deal_id=deal_id))
    return {"org_id": deal.org_id, "workflow": deal.workflow}
