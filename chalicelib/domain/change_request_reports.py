"""Ops views of change requests: an org's open requests, and how long decisions take (pure)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain.change_requests import ChangeRequest


def queue_row(cr: ChangeRequest, now: datetime) -> dict[str, Any]:
    """A row of the org's open change requests: enough to chase it without opening the deal."""
    return {
        "id": cr.change_request_id,
        "deal_id": cr.deal_id,
        "workflow": cr.workflow,
        "type": cr.type,
        "label": cr.label,
        "status": cr.status,
        "round": cr.round,
        "submitted_at": iso(cr.submitted_at),
        "due_at": iso(cr.due_at),
        "overdue": cr.status == "submitted" and cr.due_at < now,
        "waiting_on_user_ids": list(cr.waiting_on_user_ids),
    }


def _hours(cr: ChangeRequest) -> float:
    assert cr.decided_at is not None
    return round((cr.decided_at - cr.submitted_at).total_seconds() / 3600, 1)


def time_to_decision(decided: list[ChangeRequest]) -> list[dict[str, Any]]:
    """Per workflow and type: how many were decided, how (approved/applied/rejected), the median and
    slowest hours from first submission to the final decision, and how many within their SLA."""
    groups: dict[tuple[str, str], list[ChangeRequest]] = defaultdict(list)
    for cr in decided:
        if cr.decided_at is not None:
            groups[(cr.workflow, cr.type)].append(cr)
    rows = []
    for (workflow, kind), items in sorted(groups.items()):
        hours = sorted(_hours(cr) for cr in items)
        outcomes: dict[str, int] = defaultdict(int)
        for cr in items:
            outcomes[cr.status] += 1
        rows.append(
            {
                "workflow": workflow,
                "type": kind,
                "label": items[0].label,
                "decided": len(items),
                "outcomes": dict(sorted(outcomes.items())),
                "median_hours": statistics.median(hours),
                "max_hours": hours[-1],
                "within_sla": sum(
                    1 for cr in items if cr.decided_at is not None and cr.decided_at <= cr.due_at
                ),
            }
        )
    return rows
