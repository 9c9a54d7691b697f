"""The ops reports as pure functions of the records the store keeps up to date (docs/REPORTS.md)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain import workflows
from chalicelib.domain.entities import Deal, DocumentRequest, Invitation, StageDwell, Task
from chalicelib.domain.errors import Invalid
from chalicelib.domain.exports import DateRange

DAY = 86_400
DEFAULT_HISTORY_DAYS = 365
MISSING_STATUSES = frozenset({"requested", "rejected"})
FUNNEL = ("invited", "accepted", "first_visit", "first_upload")


def nearest_rank(values: list[int], q: float) -> int:
    """The q-th percentile by nearest rank: the smallest value with at least q of the values at or below."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def time_in_stage(exits: Iterable[StageDwell]) -> list[dict[str, Any]]:
    """Median and p90 of the time deals spent in each stage they left, per workflow and stage, in the
    template's stage order."""
    groups: dict[tuple[str, str], list[int]] = {}
    for dwell in exits:
        groups.setdefault((dwell.workflow, dwell.stage), []).append(dwell.seconds)
    rows = []
    for (workflow, stage), seconds in groups.items():
        template = workflows.latest(workflow)
        median = _median(seconds)
        p90 = nearest_rank(seconds, 0.9)
        rows.append(
            {
                "workflow": workflow,
                "stage": stage,
                "stage_label": template.stage(stage).label if template.has_stage(stage) else stage,
                "exits": len(seconds),
                "median_seconds": median,
                "p90_seconds": p90,
                "median_days": round(median / DAY, 1),
                "p90_days": round(p90 / DAY, 1),
                "_order": _stage_order(workflow, stage),
            }
        )
    rows.sort(key=lambda r: (r["workflow"], r.pop("_order")))
    return rows


def _stage_order(workflow: str, stage: str) -> int:
    keys = [s.key for s in workflows.latest(workflow).stages]
    return keys.index(stage) if stage in keys else len(keys)


def deal_is_open(deal: Deal) -> bool:
    return not workflows.of_deal(deal).stage(deal.stage).terminal


def _deal_fields(deal: Deal) -> dict[str, Any]:
    return {"deal_id": deal.deal_id, "deal_title": deal.title, "workflow": deal.workflow, "stage": deal.stage}


def overdue_tasks(tasks: Iterable[Task], deals: Mapping[str, Deal], now: datetime) -> list[dict[str, Any]]:
    """Open tasks past their due time on open deals, in the order given (the index's: most overdue
    first). A task whose deal is missing or closed is left out (its close-out may still be landing)."""
    items = []
    for task in tasks:
        deal = deals.get(task.deal_id)
        if deal is None or not deal_is_open(deal):
            continue
        if task.status == "open" and task.due_at is not None and task.due_at < now:
            items.append(
                {
                    **_deal_fields(deal),
                    "task_id": task.task_id,
                    "title": task.title,
                    "owner_user_id": task.owner_user_id,
                    "owner_role": task.owner_role,
                    "due_at": iso(task.due_at),
                    "days_overdue": (now - task.due_at).days,
                }
            )
    return items


def missing_documents(
    requests: Iterable[DocumentRequest], deals: Mapping[str, Deal], now: datetime
) -> list[dict[str, Any]]:
    """Required document requests still waiting for a file (requested, or rejected and asked again) in a
    stage the deal has reached, on open deals, in the order given (the index's: soonest due first)."""
    items = []
    for request in requests:
        deal = deals.get(request.deal_id)
        if deal is None or not deal_is_open(deal):
            continue
        if not request.required or request.status not in MISSING_STATUSES:
            continue
        if request.stage is not None and request.stage not in _reached_stages(deal):
            continue
        items.append(
            {
                **_deal_fields(deal),
                "request_id": request.request_id,
                "type": request.type,
                "label": request.label,
                "status": request.status,
                "due_at": iso(request.due_at) if request.due_at else None,
                "overdue": request.due_at is not None and request.due_at < now,
            }
        )
    return items


def _reached_stages(deal: Deal) -> set[str]:
    keys = [s.key for s in workflows.of_deal(deal).stages]
    return set(keys[: keys.index(deal.stage) + 1]) if deal.stage in keys else set()


def history_range(first: date | None, last: date | None, today: date) -> DateRange:
    """The window of a history report: `from`/`to` as given, by default the last 365 days. Any length is
    allowed — the range is the key condition, so the cost is the exits or invitations inside it."""
    last = last or today
    first = first or last - timedelta(days=DEFAULT_HISTORY_DAYS - 1)
    if first > last:
        raise Invalid("`from` must not be after `to`", code="invalid_range")
    return DateRange(first, last)


def activation(invitations: Iterable[Invitation], now: datetime) -> dict[str, Any]:
    """Invited → accepted → first visit → first upload, overall and per party role, with the drop-off
    between steps. Withdrawn invitations are left out; pending ones past their 7 days are counted."""
    total = dict.fromkeys(FUNNEL, 0)
    by_role: dict[str, dict[str, int]] = {}
    expired = 0
    for invitation in invitations:
        if invitation.revoked_at is not None:
            continue
        steps = _steps(invitation)
        role = by_role.setdefault(invitation.role.value, dict.fromkeys(FUNNEL, 0))
        for step in steps:
            total[step] += 1
            role[step] += 1
        if invitation.accepted_at is None and invitation.valid_until <= now:
            expired += 1
    return {
        "funnel": total,
        "drop_off": {
            "not_accepted": total["invited"] - total["accepted"],
            "accepted_not_visited": total["accepted"] - total["first_visit"],
            "visited_no_upload": total["first_visit"] - total["first_upload"],
        },
        "rates": {
            step: round(total[step] / total["invited"], 3) if total["invited"] else None
            for step in FUNNEL[1:]
        },
        "expired_unaccepted": expired,
        "by_role": dict(sorted(by_role.items())),
    }


def _steps(invitation: Invitation) -> list[str]:
    steps = ["invited"]
    if invitation.accepted_at is not None:
        steps.append("accepted")
        if invitation.first_visit_at is not None:
            steps.append("first_visit")
            if invitation.first_upload_at is not None:
                steps.append("first_upload")
    return steps
