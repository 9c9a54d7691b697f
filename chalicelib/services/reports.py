"""`GET /v1/admin/reports/{name}`: the ops reports, computed from records kept up to date on write.

- time-in-stage: a Query of the org's stage-exit partition;
- activation: a Query of the org's invitations (GSI2);
- overdue-tasks, missing-documents: the org's open deals from the pipeline index, one Query per workflow
  page, and each open deal's workspace (one Query each) — capped (docs/REPORTS.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib import clock
from chalicelib.clock import iso
from chalicelib.domain import reports as rules
from chalicelib.domain import workflows
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import Invalid, NotFound
from chalicelib.domain.views import Workspace
from chalicelib.services.pipeline import ops_org
from chalicelib.store import deals as deal_store
from chalicelib.store import invitations as invitation_store
from chalicelib.store import reports as report_store

MAX_OPEN_DEALS = 500
REPORTS = ("time-in-stage", "overdue-tasks", "missing-documents", "activation")


def report(
    caller: Caller,
    name: str,
    *,
    org_id: str | None,
    workflow: str | None,
    first: date | None = None,
    last: date | None = None,
) -> dict[str, Any]:
    if name not in REPORTS:
        raise NotFound("no report by that name", code="unknown_report", details={"reports": list(REPORTS)})
    org = ops_org(caller, org_id)
    if workflow is not None:
        workflows.latest(workflow)  # 422 unknown_workflow
    now = clock.now()
    out: dict[str, Any] = {"report": name, "org_id": org, "generated_at": iso(now)}
    if workflow:
        out["workflow"] = workflow
    if name == "time-in-stage":
        out["rows"] = rules.time_in_stage(report_store.stage_exits(org, workflow))
    elif name == "activation":
        invitations = [
            i
            for i in invitation_store.org_invitations(org)
            if (workflow is None or i.workflow == workflow) and _within(i.created_at.date(), first, last)
        ]
        out.update(rules.activation(invitations, now))
    else:
        open_deals = open_workspaces(org, workflow)
        compute = rules.overdue_tasks if name == "overdue-tasks" else rules.missing_documents
        items = compute(open_deals, now)
        out.update(open_deals=len(open_deals), total=len(items), items=items)
    return out


def _within(day: date, first: date | None, last: date | None) -> bool:
    return (first is None or day >= first) and (last is None or day <= last)


def open_workspaces(org_id: str, workflow: str | None) -> list[Workspace]:
    found: list[Workspace] = []
    for name in [workflow] if workflow else list(workflows.registry().workflows()):
        start: dict[str, Any] | None = None
        while True:
            deals, start = deal_store.pipeline_page(org_id, name, stage=None, limit=100, start=start)
            for deal in deals:
                if workflows.pinned(deal.workflow, deal.template_version).stage(deal.stage).terminal:
                    continue
                if len(found) >= MAX_OPEN_DEALS:
                    raise Invalid(
                        f"more than {MAX_OPEN_DEALS} open deals: filter the report by workflow",
                        code="report_too_large",
                    )
                ws = deal_store.load_workspace(deal.deal_id)
                if ws is not None:
                    found.append(ws)
            if start is None:
                break
    return found
