"""`GET /v1/admin/reports/{name}`: the ops reports, computed from records kept up to date on write.

- time-in-stage: a Query of the org's stage exits, the date range as the key condition;
- activation: a Query of the org's invitations (GSI2), the date range as the key condition;
- overdue-tasks, missing-documents: one page of the org's open-work index (GSI1) — one Query — and one
  BatchGetItem of the page's deals (title, current stage), whatever the number of deals (docs/REPORTS.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib import clock
from chalicelib.clock import iso
from chalicelib.domain import reports as rules
from chalicelib.domain import workflows
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import NotFound
from chalicelib.services.pipeline import ops_org
from chalicelib.store import cursors
from chalicelib.store import deals as deal_store
from chalicelib.store import reports as report_store

REPORTS = ("time-in-stage", "overdue-tasks", "missing-documents", "activation")
PAGED = frozenset({"overdue-tasks", "missing-documents"})


def report(
    caller: Caller,
    name: str,
    *,
    org_id: str | None,
    workflow: str | None,
    first: date | None = None,
    last: date | None = None,
    limit: int = 100,
    cursor: str | None = None,
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
    if name in PAGED:
        out.update(_open_work_page(name, org, workflow, limit, cursor))
        return out
    span = rules.history_range(first, last, now.date())
    out.update({"from": span.first.isoformat(), "to": span.last.isoformat()})
    if name == "time-in-stage":
        exits = report_store.stage_exits(org, start=span.start, end=span.end, workflow=workflow)
        out["rows"] = rules.time_in_stage(exits)
    else:
        invitations = report_store.invitations(org, start=span.start, end=span.end, workflow=workflow)
        out.update(rules.activation(invitations, now))
    return out


def _open_work_page(
    name: str, org_id: str, workflow: str | None, limit: int, cursor: str | None
) -> dict[str, Any]:
    """One page of the index, and the deals it names: a page may hold fewer than `limit` items while
    `next_cursor` is set (a closed deal's items still landing, a stage not reached yet, a workflow filter)."""
    now = clock.now()
    scope = f"report:{name}:{org_id}:{workflow or ''}"
    start = cursors.decode(scope, cursor)
    if name == "overdue-tasks":
        page = report_store.overdue_tasks_page(org_id, now, workflow=workflow, limit=limit, start=start)
    else:
        page = report_store.waiting_requests_page(org_id, workflow=workflow, limit=limit, start=start)
    deals = deal_store.deals_by_id({r.deal_id for r in page.records}) if page.records else {}
    compute = rules.overdue_tasks if name == "overdue-tasks" else rules.missing_documents
    return {"items": compute(page.records, deals, now), "next_cursor": cursors.encode(scope, page.last_key)}
