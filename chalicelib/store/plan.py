"""Writes of a deal's plan: tasks and document requests, created with the deal or later, and changed on
the condition that they are still as they were read (status and version)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.entities import DocumentRequest, Task
from chalicelib.domain.errors import PreconditionFailed
from chalicelib.store.errors import translated
from chalicelib.store.models import DocumentRequestItem, TaskItem
from chalicelib.store.table import TableItem, query_all
from chalicelib.store.unit_of_work import UnitOfWork, changes_between

TASK_PREFIX = "W#TASK#"
REQUEST_PREFIX = "W#DREQ#"

# -- reads: a write reads the items it touches, not the workspace ------------------------------------


def load_task(deal_id: str, task_id: str) -> Task | None:
    """One task: GetItem, strongly consistent (a write decides from it)."""
    with translated():
        try:
            item = TaskItem.get(*TaskItem.key_for(deal_id=deal_id, task_id=task_id), consistent_read=True)
        except DoesNotExist:
            return None
    task: Task = item.to_entity()
    return task


def load_tasks(deal_id: str, task_ids: list[str]) -> list[Task]:
    """Some tasks of a deal (a task's dependencies): one BatchGetItem per 100, strongly consistent;
    ids the deal does not have are simply absent."""
    if not task_ids:
        return []
    keys = sorted({TaskItem.key_for(deal_id=deal_id, task_id=t) for t in task_ids})
    with translated():
        return [
            i.to_entity() for i in TaskItem.batch_get(keys, consistent_read=True) if isinstance(i, TaskItem)
        ]


def deal_tasks(deal_id: str) -> list[Task]:
    """Every task of a deal: one strongly consistent Query of its task prefix (per 1 MB)."""
    partition = TaskItem.KEY.partition_for(deal_id=deal_id)
    with translated():
        items = query_all(partition, sort_condition=TableItem.sk.startswith(TASK_PREFIX))
    return [i.to_entity() for i in items if isinstance(i, TaskItem)]


def deal_requests(deal_id: str) -> list[DocumentRequest]:
    """Every document request of a deal: one strongly consistent Query of its request prefix."""
    partition = DocumentRequestItem.KEY.partition_for(deal_id=deal_id)
    with translated():
        items = query_all(partition, sort_condition=TableItem.sk.startswith(REQUEST_PREFIX))
    return [i.to_entity() for i in items if isinstance(i, DocumentRequestItem)]


# -- writes ------------------------------------------------------------------------------------------


def add_task(uow: UnitOfWork, task: Task, *, with_new_deal: bool = False) -> None:
    uow.create(TaskItem.from_entity(task), ahead=with_new_deal)


def add_document_request(uow: UnitOfWork, request: DocumentRequest, *, with_new_deal: bool = False) -> None:
    uow.create(DocumentRequestItem.from_entity(request), ahead=with_new_deal)


def change_task(
    uow: UnitOfWork, before: Task, after: Task, *, versioned: bool = False, follow_up: bool = False
) -> None:
    """Write what changed. Every change holds only while the task is in the status it was read in;
    `versioned` (an If-Match edit) also needs the version it was read at, and bumps it."""
    changes = changes_between(before, after)
    changes.pop("version", None)
    if not changes:
        return
    uow.update(
        TaskItem.from_entity(before),
        changes,
        condition=TaskItem.status == before.status,
        expected_version=before.version if versioned else None,
        on_fail=PreconditionFailed("the task changed since you loaded it; reload it and try again"),
        follow_up=follow_up,
    )


def change_document_request(
    uow: UnitOfWork, before: DocumentRequest, after: DocumentRequest, *, follow_up: bool = False
) -> None:
    changes = changes_between(before, after)
    changes.pop("version", None)
    if not changes:
        return
    uow.update(
        DocumentRequestItem.from_entity(before),
        changes,
        condition=DocumentRequestItem.status == before.status,
        on_fail=PreconditionFailed("the document request changed meanwhile; reload it and try again"),
        follow_up=follow_up,
    )


def apply(
    uow: UnitOfWork,
    tasks: list[tuple[Task, Task]],
    requests: list[tuple[DocumentRequest, DocumentRequest]],
    *,
    follow_up: bool = False,
) -> None:
    for before, after in tasks:
        change_task(uow, before, after, follow_up=follow_up)
    for before_request, after_request in requests:
        change_document_request(uow, before_request, after_request, follow_up=follow_up)
