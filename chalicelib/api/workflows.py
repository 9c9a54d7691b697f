"""Workflow templates as a frontend reads them: the stage ladder with its plain-language labels and each
stage's definition of done, so a portal can draw a deal's timeline and show what leaving a stage takes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.http import route
from chalicelib.domain.errors import NotFound
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
    from chalicelib.domain import workflows as templates
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")
    templates = LazyModule("chalicelib.domain.workflows")

workflows = Blueprint(__name__)
_VERSION = re.compile(r"[0-9]{1,6}")  # ASCII digits: str.isdigit() also takes "²", which int() refuses


@route(workflows, "/v1/workflows", "GET", summary="The workflow templates, each at its latest version")
def list_workflows() -> acc.WorkflowList:
    latest = [templates.latest(name) for name in templates.registry().workflows()]
    return {"items": [{"workflow": t.workflow, "version": t.version, "title": t.title} for t in latest]}


@route(
    workflows,
    "/v1/workflows/{workflow}/versions/{version}",
    "GET",
    summary="A workflow template's stages, each with its plain-language labels and definition of done",
)
def get_workflow(workflow: str, version: str) -> acc.WorkflowTemplate:
    """Any signed-in user: templates are product data, the same for every org (a deal pins its version)."""
    if not _VERSION.fullmatch(version) or (workflow, int(version)) not in templates.registry().templates:
        raise NotFound("no such workflow template", code="workflow_not_found")
    template = templates.pinned(workflow, int(version))
    documents = {d.type: d.label for d in template.documents}
    tasks = {t.key: t.title for t in template.tasks}
    return {
        "workflow": template.workflow,
        "version": template.version,
        "title": template.title,
        "stages": [
            {
                "key": s.key,
                "label": s.label,
                "next_step": s.next_step,
                "terminal": s.terminal,
                "exit": s.exit,
                "done_when": {
                    "documents_approved": [
                        {"type": t, "label": documents.get(t, t)} for t in s.done_documents
                    ],
                    "tasks_done": [{"key": k, "title": tasks.get(k, k)} for k in s.done_tasks],
                },
            }
            for s in template.stages
        ],
    }
