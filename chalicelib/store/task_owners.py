"""A user's open tasks across deals (GSI2 `USER#{owner}#TASKS`), and moving a task to a new owner."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.entities import Task
from chalicelib.domain.errors import Conflict
from chalicelib.store import schema
from chalicelib.store.errors import translated
from chalicelib.store.models import OPEN_TASK, TaskItem
from chalicelib.store.table import query_page
from chalicelib.store.unit_of_work import UnitOfWork


def _partition(user_id: str) -> str:
    return TaskItem.INDEXES[schema.GSI2].partition_for(owner_user_id=user_id)


def open_tasks_page(
    user_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[Task], dict[str, Any] | None]:
    """One page of a user's open tasks, grouped by deal: exactly one Query (a vendor's work orders)."""
    with translated():
        page = query_page(_partition(user_id), index=schema.GSI2, limit=limit, start_key=start)
    return [i.to_entity() for i in page.items if isinstance(i, TaskItem)], page.last_key


def deals_with_open_tasks(user_id: str) -> list[str]:
    """The deals where a user owns open tasks, in index order (every page). The index is eventually
    consistent: callers re-read each deal before they write."""
    deal_ids: list[str] = []
    start: dict[str, Any] | None = None
    while True:
        tasks, start = open_tasks_page(user_id, limit=100, start=start)
        for task in tasks:
            if task.deal_id not in deal_ids:
                deal_ids.append(task.deal_id)
        if start is None:
            return deal_ids


def reassign(uow: UnitOfWork, task: Task, to_user_id: str) -> None:
    """Give an open task to another owner, on the condition that it is still open, still theirs and at the
    version read; a vendor's restricted work order follows its owner."""
    from_user_id = task.owner_user_id
    restricted = [to_user_id if u == from_user_id else u for u in task.restricted_to]
    changes: dict[str, Any] = {"owner_user_id": to_user_id}
    if restricted != task.restricted_to:
        changes["restricted_to"] = list(dict.fromkeys(restricted))
    uow.update(
        TaskItem.from_entity(task),
        changes,
        expected_version=task.version,
        condition=(TaskItem.status == OPEN_TASK) & (TaskItem.owner_user_id == from_user_id),
        on_fail=Conflict("a task changed while it was being reassigned; run it again", code="task_changed"),
    )
