"""Invitee reminders: an invited party who has not accepted is reminded on day 2 and day 5 after the
invitation was sent, then the deal's coordinator is told (day 6, a day before the 7-day link expires, so
they can call or resend in time). No I/O.

The clock starts at the invitation's last sending (`last_sent_at`): a resend or a corrected address starts
over. Progress is kept on the invitation as `reminded = "<threshold>@<last_sent_at>"`, as for due dates
(domain/reminders.py); the due index is keyed by the time of the next threshold, so the sweep reads only
invitations with a reminder to send. An accepted or withdrawn invitation, or one never emailed (a bulk
import holds its emails), is not in the index at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from chalicelib.clock import iso, parse_iso


class InviteeThreshold(StrEnum):
    DAY_2 = "day_2"
    DAY_5 = "day_5"
    COORDINATOR = "coordinator"  # the deal's coordinator is told the invitee has not joined


ORDER = (InviteeThreshold.DAY_2, InviteeThreshold.DAY_5, InviteeThreshold.COORDINATOR)
AFTER = {
    InviteeThreshold.DAY_2: timedelta(days=2),
    InviteeThreshold.DAY_5: timedelta(days=5),
    InviteeThreshold.COORDINATOR: timedelta(days=6),
}
STOPPED = "stopped"


def progress(reminded: str | None, sent_at: datetime) -> int:
    """How many thresholds of this sending were handled (a stopped invitation: all of them)."""
    if not reminded:
        return 0
    name, _, anchor = reminded.partition("@")
    try:
        if parse_iso(anchor) != sent_at:
            return 0  # sent again since: start over
    except ValueError:
        return 0
    if name == STOPPED:
        return len(ORDER)
    names = [t.value for t in ORDER]
    return names.index(name) + 1 if name in names else 0


def marker(threshold: InviteeThreshold | str, sent_at: datetime) -> str:
    return f"{threshold}@{iso(sent_at)}"


def reminders_sent(reminded: str | None, sent_at: datetime) -> int:
    """How many reminders the invitee got for this sending (the coordinator's notice is not one)."""
    return min(progress(reminded, sent_at), 2)


def next_reminder_at(reminded: str | None, sent_at: datetime) -> str | None:
    done = progress(reminded, sent_at)
    if done >= len(ORDER):
        return None
    return iso(sent_at + AFTER[ORDER[done]])


@dataclass(frozen=True)
class Plan:
    """What one sweep does for one invitation: at most one reminder to the invitee (the latest reached:
    a late sweep does not send day 2's after day 5's time) and the coordinator's notice."""

    invitee: InviteeThreshold | None
    tell_coordinator: bool
    reminded: str


def plan(reminded: str | None, sent_at: datetime, now: datetime) -> Plan | None:
    done = progress(reminded, sent_at)
    reached = [t for t in ORDER[done:] if sent_at + AFTER[t] <= now]
    if not reached:
        return None
    invitee = next((t for t in reversed(reached) if t is not InviteeThreshold.COORDINATOR), None)
    return Plan(
        invitee=invitee,
        tell_coordinator=InviteeThreshold.COORDINATOR in reached,
        reminded=marker(reached[-1], sent_at),
    )
