"""Due-date reminder thresholds: due within 24 h, due now, overdue, escalated to the coordinator.

An open item with a due date walks these thresholds once each. Its progress is kept on the item as
`reminded = "<threshold>@<due_at>"`; the due-date index is keyed by the time of the *next* threshold, so a
sweep reads only items with a reminder to send (a re-dated item starts over: its due date differs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.clock import iso, parse_iso


class Threshold(StrEnum):
    UPCOMING = "upcoming"  # due within 24 h
    DUE = "due"  # the due time has come
    OVERDUE = "overdue"  # a day past due
    ESCALATED = "escalated"  # past due by the escalation delay: the deal's coordinator is told


ORDER = (Threshold.UPCOMING, Threshold.DUE, Threshold.OVERDUE, Threshold.ESCALATED)
OWNER_THRESHOLDS = frozenset({Threshold.UPCOMING, Threshold.DUE, Threshold.OVERDUE})
STOPPED = "stopped"
UPCOMING_WINDOW = timedelta(hours=24)
OVERDUE_AFTER = timedelta(hours=24)


def threshold_time(threshold: Threshold, due_at: datetime, escalation_delay: timedelta) -> datetime:
    return {
        Threshold.UPCOMING: due_at - UPCOMING_WINDOW,
        Threshold.DUE: due_at,
        Threshold.OVERDUE: due_at + OVERDUE_AFTER,
        Threshold.ESCALATED: due_at + max(escalation_delay, OVERDUE_AFTER),
    }[threshold]


def progress(reminded: str | None, due_at: datetime) -> int:
    """How many thresholds of this due date were already handled (-1 stopped → all)."""
    if not reminded:
        return 0
    name, _, due_text = reminded.partition("@")
    try:
        if parse_iso(due_text) != due_at:
            return 0  # re-dated since: start over
    except ValueError:
        return 0
    if name == STOPPED:
        return len(ORDER)
    return ORDER.index(Threshold(name)) + 1 if name in Threshold.__members__.values() else 0


def marker(threshold: Threshold | str, due_at: datetime) -> str:
    return f"{threshold}@{iso(due_at)}"


def next_reminder_at(
    reminded: str | None, due_at: datetime | None, escalation_delay: timedelta
) -> str | None:
    """The index sort time of an open item: when its next threshold falls (None: nothing left)."""
    if due_at is None:
        return None
    done = progress(reminded, due_at)
    if done >= len(ORDER):
        return None
    return iso(threshold_time(ORDER[done], due_at, escalation_delay))


@dataclass(frozen=True)
class Plan:
    """What one sweep does for one item: at most one reminder to its owner (the latest threshold
    reached — a late sweep does not send "due soon" for an item already overdue) and the escalation."""

    owner: Threshold | None
    escalate: bool
    reminded: str  # the item's new progress marker


def plan(reminded: str | None, due_at: datetime, now: datetime, escalation_delay: timedelta) -> Plan | None:
    done = progress(reminded, due_at)
    reached = [t for t in ORDER[done:] if threshold_time(t, due_at, escalation_delay) <= now]
    if not reached:
        return None
    owner = next((t for t in reversed(reached) if t in OWNER_THRESHOLDS), None)
    return Plan(owner=owner, escalate=Threshold.ESCALATED in reached, reminded=marker(reached[-1], due_at))
