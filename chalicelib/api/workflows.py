"""Workflow templates as a frontend reads them: the stage ladder with its plain-language labels and each
stage's definition of done, so a portal can draw a deal's timeline and show what leaving a stage takes."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.http import route
from chalicelib.domain.access import Caller, sees_template_item
from chalicelib.domain.errors import NotFound
from chalicelib.domain.roles import Visibility
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
    return template_view(templates.pinned(workflow, int(version)))


@route(
    workflows,
    "/v1/deals/{deal_id}/template",
    "GET",
    summary="The template the deal runs (built-in or the org's own): stages, labels, definition of done",
)
def get_deal_template(caller: Caller, deal_id: str) -> acc.WorkflowTemplate:
    """Any party of the deal: an org template is the org's data, so it is read through a deal the caller
    reaches (404 otherwise); items the caller may not see are left out of the definition of done."""
    from chalicelib.services import deal_templates

    template, access = deal_templates.of_deal_for(caller, deal_id)
    return template_view(template, lambda visibility, roles: sees_template_item(access, visibility, roles))


def template_view(
    template: templates.WorkflowTemplate,
    shown: Callable[[Visibility, Collection[str]], bool] = lambda *_: True,
) -> acc.WorkflowTemplate:
    """The stage ladder, each stage with the documents and tasks leaving it takes (those `shown` allows)."""
    documents = {
        d.type: d.label
        for d in template.documents
        if shown(d.visibility, (*d.uploader_roles, *d.viewer_roles))
    }
    tasks = {t.key: t.title for t in template.tasks if shown(t.visibility, (t.owner_role,))}
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
                        {"type": t, "label": documents[t]} for t in s.done_documents if t in documents
                    ],
                    "tasks_done": [{"key": k, "title": tasks[k]} for k in s.done_tasks if k in tasks],
                },
            }
            for s in template.stages
        ],
    }
