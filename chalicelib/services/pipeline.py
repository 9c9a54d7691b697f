"""The admin panel's org: which org an ops view is about, and the pipeline by workflow and stage."""

from __future__ import annotations

from chalicelib.domain import workflows
from chalicelib.domain.access import Caller, require_ops
from chalicelib.domain.entities import ActivityEvent, Deal
from chalicelib.domain.errors import Forbidden, Invalid
from chalicelib.store import activity as activity_store
from chalicelib.store import cursors
from chalicelib.store import deals as deal_store


def ops_org(caller: Caller, org_id: str | None) -> str:
    """The org of an admin-panel request: the one named (404 if the caller is not its staff, 403 for an
    agent), else the only org the caller runs."""
    if org_id is not None:
        require_ops(caller, org_id)
        return org_id
    ops = caller.ops_orgs()
    if len(ops) > 1:
        raise Invalid("you run several organizations: say which with org_id", code="org_id_required")
    if not ops:
        raise Forbidden("the admin panel is for admins and coordinators")
    return ops[0]


def pipeline(
    caller: Caller,
    *,
    org_id: str | None,
    workflow: str | None,
    stage: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Deal], str | None]:
    """An org's deals of one workflow, by stage and longest in stage first: one Query per page."""
    org = ops_org(caller, org_id)
    if not workflow:
        raise Invalid("say which workflow's pipeline with workflow=", code="workflow_required")
    template = workflows.latest(workflow)
    if stage is not None and not template.has_stage(stage):
        from chalicelib.services import deal_templates  # org-owned templates may add stages

        deal_templates.require_stage(org, workflow, stage, template)  # else 422 unknown_stage
    scope = f"pipeline:{caller.user_id}:{org}:{workflow}:{stage}"
    found, last = deal_store.pipeline_page(
        org, workflow, stage=stage, limit=limit, start=cursors.decode(scope, cursor)
    )
    return found, cursors.encode(scope, last)


def org_activity(
    caller: Caller, *, org_id: str | None, limit: int, cursor: str | None
) -> tuple[list[ActivityEvent], str | None]:
    org = ops_org(caller, org_id)
    scope = f"org-activity:{caller.user_id}:{org}"
    events, last = activity_store.org_page(org, limit=limit, start=cursors.decode(scope, cursor))
    return events, cursors.encode(scope, last)
