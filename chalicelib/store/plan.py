"""Writes of a deal's plan: tasks and document requests, created with the deal or later, and changed on
the condition that they are still as they were read (status and version)."""

from __future__ import annotations

from chalicelib.domain.entities import DocumentRequest, Task
from chalicelib.domain.errors import PreconditionFailed
from chalicelib.store.models import DocumentRequestItem, TaskItem
from chalicelib.store.unit_of_work import UnitOfWork, changes_between


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
