"""Tasks of a deal: list, add, and change (assign, re-date, complete with proof; a vendor answers a
work order)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import Answer, etag, expected_version, page, page_params, query_param, route
from chalicelib.domain import responses as out
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import views
    from chalicelib.domain.access import Caller
    from chalicelib.domain.commands import NewTask, TaskPatch
    from chalicelib.domain.entities import Task
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    views = LazyModule("chalicelib.domain.views")

tasks = Blueprint(__name__)


def task_response(task: Task) -> Answer[out.Task]:
    return Answer(views.task_view(task), {"ETag": etag(task.version)})


@route(
    tasks,
    "/v1/deals/{deal_id}/tasks",
    "GET",
    summary="The deal's tasks the caller may see, soonest due first",
)
def list_tasks(caller: Caller, request: Request, deal_id: str) -> out.Page[out.Task]:
    from chalicelib.services import tasks as task_service

    limit, cursor = page_params(request)
    found = task_service.list_tasks(
        caller, deal_id, status=query_param(request, "status"), limit=limit, cursor=cursor
    )
    return page([views.task_view(t, found.visible_ids) for t in found.items], found.next_cursor)


@route(tasks, "/v1/deals/{deal_id}/tasks", "POST", summary="Add a task", body="NewTask", status=201)
def create_task(caller: Caller, deal_id: str, body: NewTask) -> Answer[out.Task]:
    from chalicelib.services import tasks as task_service

    task, _ = task_service.create_task(caller, deal_id, body)
    location = f"/v1/deals/{deal_id}/tasks/{task.task_id}"
    return Answer(views.task_view(task), {"ETag": etag(task.version), "Location": location})


@route(
    tasks,
    "/v1/deals/{deal_id}/tasks/{task_id}",
    "GET",
    summary="One task (ETag: its version, for If-Match)",
)
def get_task(caller: Caller, deal_id: str, task_id: str) -> Answer[out.Task]:
    from chalicelib.services import tasks as task_service

    task, visible_ids = task_service.get_task(caller, deal_id, task_id)
    return Answer(views.task_view(task, visible_ids), {"ETag": etag(task.version)})


@route(
    tasks,
    "/v1/deals/{deal_id}/tasks/{task_id}",
    "PATCH",
    summary="Assign, re-date, complete or answer a task (If-Match)",
    body="TaskPatch",
)
def patch_task(
    caller: Caller, request: Request, deal_id: str, task_id: str, body: TaskPatch
) -> Answer[out.Task]:
    from chalicelib.services import tasks as task_service

    task, _ = task_service.change_task(caller, deal_id, task_id, body, expected_version(request))
    return task_response(task)
