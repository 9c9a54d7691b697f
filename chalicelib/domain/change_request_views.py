"""What a caller sees of a change request (declared shapes: the OpenAPI work can adopt them as they are).

Fields a role may not see are absent: who else it is restricted to, and the internal baseline, are staff-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from chalicelib.clock import iso
from chalicelib.domain import change_requests as rules
from chalicelib.domain.access import DealAccess
from chalicelib.domain.change_requests import ChangeRequest
from chalicelib.domain.entities import Party

if TYPE_CHECKING:
    from chalicelib.domain.views import Workspace


class DecisionOut(TypedDict):
    by: str
    name: str
    role: str
    decision: str
    at: str
    round: int
    comment: NotRequired[str]


class WaitingOnOut(TypedDict):
    role: str
    user_ids: list[str]


class ChangeRequestOut(TypedDict):
    id: str
    deal_id: str
    type: str
    label: str
    status: str
    fields: dict[str, Any]
    comment: str | None
    submitted_by: dict[str, str]
    submitted_at: str
    due_at: str
    round: int
    approvals: dict[str, Any]
    decisions: list[DecisionOut]
    waiting_on: list[WaitingOnOut]
    effects: list[dict[str, Any]]
    decided_at: str | None
    visibility: str
    version: int
    restricted_to: NotRequired[list[str]]


class ChangeRequestTypeOut(TypedDict):
    type: str
    label: str
    description: str
    approvals: dict[str, Any]
    sla_hours: int
    visibility: str
    effect: str
    blocks_leaving: list[str]
    fields_schema: dict[str, Any]


class ChangeRequestSettingsOut(TypedDict):
    """The org's change-request settings: the vendor quote above which a cost approval needs the owner."""

    org_id: str
    cost_approval_threshold: int | None


ChangeRequestDecisionReport = TypedDict(
    "ChangeRequestDecisionReport",
    {
        "report": str,
        "org_id": str,
        "from": str,
        "to": str,
        "generated_at": str,
        "rows": list[dict[str, Any]],
    },
)
ChangeRequestDecisionReport.__doc__ = (
    "Time to decision per workflow and type over `from`..`to` (docs/CHANGE_REQUESTS.md)."
)


def change_request_view(
    cr: ChangeRequest, parties: list[Party], access: DealAccess, visible_ids: set[str] | None = None
) -> ChangeRequestOut:
    """`visible_ids`: the tasks and document requests the caller sees on the deal (None: all, for staff);
    an effect naming any other item is left out, so nobody reads an internal task's title here."""
    out: ChangeRequestOut = {
        "id": cr.change_request_id,
        "deal_id": cr.deal_id,
        "type": cr.type,
        "label": cr.label,
        "status": cr.status,
        "fields": dict(cr.fields),
        "comment": cr.comment,
        "submitted_by": {"user_id": cr.submitted_by, "name": cr.submitted_by_name},
        "submitted_at": iso(cr.submitted_at),
        "due_at": iso(cr.due_at),
        "round": cr.round,
        "approvals": {"mode": cr.mode, "roles": list(cr.required_roles)},
        "decisions": [_decision(d) for d in cr.decisions],
        "waiting_on": [
            WaitingOnOut(role=w["role"], user_ids=w["user_ids"]) for w in rules.waiting_on(cr, parties)
        ],
        "effects": [dict(e) for e in cr.effects if _effect_visible(e, visible_ids)],
        "decided_at": iso(cr.decided_at) if cr.decided_at else None,
        "visibility": cr.visibility,
        "version": cr.version,
    }
    if access.is_staff:
        out["restricted_to"] = list(cr.restricted_to)
    return out


def visible_items(ws: Workspace, access: DealAccess) -> set[str] | None:
    """The ids of the tasks and document requests the caller sees on the deal; None for staff (all)."""
    if access.is_staff:
        return None
    from chalicelib.domain.views import request_visible, task_visible

    return {t.task_id for t in ws.tasks if task_visible(t, access)} | {
        r.request_id for r in ws.document_requests if request_visible(r, access)
    }


def _effect_visible(effect: dict[str, Any], visible_ids: set[str] | None) -> bool:
    if visible_ids is None:
        return True
    named = [effect.get(k) for k in ("id", "task_id", "request_id") if effect.get(k)]
    return all(n in visible_ids for n in named)


def _decision(entry: dict[str, Any]) -> DecisionOut:
    out = DecisionOut(
        by=str(entry["by"]),
        name=str(entry["name"]),
        role=str(entry["role"]),
        decision=str(entry["decision"]),
        at=str(entry["at"]),
        round=int(entry["round"]),
    )
    if entry.get("comment"):
        out["comment"] = str(entry["comment"])
    return out


def waiting_on_entries(
    requests: list[ChangeRequest], parties: list[Party], access: DealAccess
) -> list[dict[str, Any]]:
    """The deal's `waiting_on` lines for its open change requests the viewer may see: one per approver
    (or per role nobody on the deal holds, e.g. the org's coordinators), and the submitter when changes
    were asked for."""
    names = {p.user_id: p.name or p.email.split("@", 1)[0] for p in parties}
    out: list[dict[str, Any]] = []
    for cr in sorted(requests, key=lambda c: c.due_at):
        if not cr.is_open or not rules.visible(cr, access):
            continue
        for entry in rules.waiting_on(cr, parties):
            for user_id in entry["user_ids"] or [None]:
                line: dict[str, Any] = {
                    "user_id": user_id,
                    "role": entry["role"],
                    "open_items": 1,
                    "next_due_at": iso(cr.due_at),
                    "change_request_id": cr.change_request_id,
                    "label": cr.label,
                }
                if user_id:
                    line["name"] = names.get(user_id)
                out.append(line)
    return out
