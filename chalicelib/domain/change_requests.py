"""Change requests: typed, approved, audited change to a deal (docs/CHANGE_REQUESTS.md). Pure rules.

A request is `submitted`, waits on its approvers (all of / any of / in order, by role), and ends
`approved` (nothing to apply) or `applied` (its effects written in the same transaction as the approval
that completed the chain), `rejected` or `withdrawn`. An approver may instead ask for changes
(`changes_requested`): the submitter resubmits, which starts a new round with no approvals.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain.access import DealAccess, can_see
from chalicelib.domain.change_request_types import ChangeRequestType, Mode
from chalicelib.domain.entities import Deal, Party
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.roles import Capacity, PartyRole, PartyStatus, Visibility


class Status(StrEnum):
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    APPLIED = "applied"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"


OPEN = frozenset({Status.SUBMITTED, Status.CHANGES_REQUESTED})
DECIDED = frozenset({Status.APPROVED, Status.APPLIED, Status.REJECTED})


@dataclass
class ChangeRequest:
    deal_id: str
    change_request_id: str
    org_id: str
    workflow: str
    type: str
    label: str
    status: str
    fields: dict[str, Any]
    submitted_by: str
    submitted_by_name: str
    submitted_at: datetime
    due_at: datetime  # the SLA: approvers are reminded from here, then the coordinator is told
    visibility: str
    required_roles: list[str]
    mode: str
    version: int = 1
    round: int = 1
    comment: str | None = None
    submitter_roles: list[str] = field(default_factory=list)
    restricted_to: list[str] = field(default_factory=list)  # the submitter and the approver parties
    decisions: list[dict[str, Any]] = field(
        default_factory=list
    )  # by, name, role, decision, comment, at, round
    baseline: dict[str, Any] = field(default_factory=dict)  # what the effect expects to find on the deal
    waiting_on_user_ids: list[str] = field(default_factory=list)
    effects: list[dict[str, Any]] = field(default_factory=list)  # what approval changed, once applied
    decided_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


# -- who is who ------------------------------------------------------------------------------------------


def roles_of(access: DealAccess) -> set[str]:
    """The role names a caller holds on a deal for change requests (types name roles, not people)."""
    roles: set[str] = set()
    if access.capacity is Capacity.ADMIN:
        roles |= {"admin", "coordinator"}
    elif access.capacity is Capacity.COORDINATOR:
        roles.add("coordinator")
    elif access.capacity is Capacity.AGENT:
        roles.add("agent")
    if access.party is not None:
        roles.add(_party_role(access.party.role))
    return roles


def _party_role(role: PartyRole) -> str:
    return "client" if role is PartyRole.CO_CLIENT else role.value


def holders(role: str, parties: list[Party]) -> list[str]:
    """The active parties holding a role (staff-only roles have none: the org's staff act for them)."""
    return sorted(
        p.user_id for p in parties if p.status is PartyStatus.ACTIVE and _party_role(p.role) == role
    )


def may_submit(kind: ChangeRequestType, access: DealAccess) -> bool:
    return bool(roles_of(access) & set(kind.submitters))


def visible(cr: ChangeRequest, access: DealAccess) -> bool:
    return can_see(access, Visibility(cr.visibility), cr.restricted_to, owner_user_id=cr.submitted_by)


# -- the approval chain ------------------------------------------------------------------------------


def approvals(cr: ChangeRequest) -> list[dict[str, Any]]:
    return [d for d in cr.decisions if d["round"] == cr.round and d["decision"] == Decision.APPROVE.value]


def pending_roles(cr: ChangeRequest) -> list[str]:
    """Roles whose approval the request still waits on (in order: only the next one)."""
    if cr.status != Status.SUBMITTED:
        return []
    approved = {d["role"] for d in approvals(cr)}
    if cr.mode == Mode.ANY_OF:
        return [] if approved else list(cr.required_roles)
    missing = [r for r in cr.required_roles if r not in approved]
    return missing[:1] if cr.mode == Mode.IN_ORDER else missing


def waits_on_coordinator(cr: ChangeRequest) -> bool:
    """Whether the coordinator role (staff who need not be parties) is among those it waits on now."""
    return bool({"coordinator", "admin"} & set(pending_roles(cr)))


def waiting_on(cr: ChangeRequest, parties: list[Party]) -> list[dict[str, Any]]:
    """Whom the request waits on: approver roles (with the parties holding them), or the submitter."""
    if cr.status == Status.CHANGES_REQUESTED:
        return [{"role": "submitter", "user_ids": [cr.submitted_by]}]
    return [
        {"role": role, "user_ids": [u for u in holders(role, parties) if u != cr.submitted_by]}
        for role in pending_roles(cr)
    ]


def waiting_user_ids(cr: ChangeRequest, parties: list[Party]) -> list[str]:
    return sorted({u for entry in waiting_on(cr, parties) for u in entry["user_ids"]})


def without_own(required: tuple[str, ...], own: set[str]) -> list[str]:
    """Submitting counts as the submitter's own approval: the roles they hold drop out of the chain,
    unless nothing would be left (then someone else holding the role approves)."""
    others = [r for r in required if r not in own]
    return others or list(required)


def new_request(
    kind: ChangeRequestType,
    deal: Deal,
    parties: list[Party],
    access: DealAccess,
    *,
    request_id: str,
    fields: dict[str, Any],
    baseline: dict[str, Any],
    comment: str | None,
    now: datetime,
    threshold: int | None = None,
) -> ChangeRequest:
    if not may_submit(kind, access):
        raise Forbidden(
            f"your role on this deal may not ask for a {kind.label.lower()}", code="may_not_submit"
        )
    required = without_own(kind.approvals.required_roles(fields, threshold), roles_of(access))
    approvers = {u for role in required for u in holders(role, parties)}
    cr = ChangeRequest(
        deal_id=deal.deal_id,
        change_request_id=request_id,
        org_id=deal.org_id,
        workflow=deal.workflow,
        type=kind.key,
        label=kind.label,
        status=Status.SUBMITTED.value,
        fields=fields,
        submitted_by=access.user_id,
        submitted_by_name=access.caller.label,
        submitted_at=now,
        due_at=now + timedelta(hours=kind.sla_hours),
        visibility=kind.visibility.value,
        required_roles=required,
        mode=kind.approvals.mode.value,
        comment=comment,
        submitter_roles=sorted(roles_of(access) & set(kind.submitters)),
        restricted_to=sorted(approvers | {access.user_id}),
        baseline=baseline,
    )
    cr.waiting_on_user_ids = waiting_user_ids(cr, parties)
    return cr


def decide(
    cr: ChangeRequest,
    access: DealAccess,
    parties: list[Party],
    decision: Decision,
    comment: str | None,
    now: datetime,
) -> ChangeRequest:
    """The request after one decision. Approving completes it when no role is left to approve (the
    caller then applies its effects); rejecting ends it; asking for changes hands it back."""
    if cr.status != Status.SUBMITTED:
        raise Conflict(f"this change request is {cr.status.replace('_', ' ')}", code="change_request_closed")
    if access.user_id == cr.submitted_by:
        raise Forbidden("nobody decides on their own change request", code="own_change_request")
    if any(d["by"] == access.user_id for d in approvals(cr)):
        raise Conflict("you already approved this round of the request", code="already_approved")
    acting_as = [r for r in pending_roles(cr) if r in roles_of(access)]
    if not acting_as:
        raise Forbidden(
            "this change request is not waiting on you",
            code="not_an_approver",
            details={"waiting_on": pending_roles(cr)},
        )
    entry = {
        "by": access.user_id,
        "name": access.caller.label,
        "role": acting_as[0],
        "decision": decision.value,
        "at": iso(now),
        "round": cr.round,
        **({"comment": comment} if comment else {}),
    }
    after = dataclasses.replace(cr, decisions=[*cr.decisions, entry], version=cr.version + 1)
    if decision is Decision.REJECT:
        after.status, after.decided_at = Status.REJECTED.value, now
    elif decision is Decision.REQUEST_CHANGES:
        after.status = Status.CHANGES_REQUESTED.value
    elif not pending_roles(after):
        after.status, after.decided_at = Status.APPROVED.value, now
    after.waiting_on_user_ids = waiting_user_ids(after, parties)
    return after


def withdraw(cr: ChangeRequest, access: DealAccess, now: datetime) -> ChangeRequest:
    if not cr.is_open:
        raise Conflict(f"this change request is {cr.status.replace('_', ' ')}", code="change_request_closed")
    if access.user_id != cr.submitted_by and access.capacity not in (Capacity.ADMIN, Capacity.COORDINATOR):
        raise Forbidden("only the submitter or a coordinator may withdraw it", code="not_the_submitter")
    return dataclasses.replace(
        cr, status=Status.WITHDRAWN.value, version=cr.version + 1, waiting_on_user_ids=[], decided_at=None
    )


def resubmit(
    cr: ChangeRequest,
    kind: ChangeRequestType,
    access: DealAccess,
    parties: list[Party],
    *,
    fields: dict[str, Any],
    baseline: dict[str, Any],
    comment: str | None,
    now: datetime,
    threshold: int | None = None,
) -> ChangeRequest:
    """A new round after changes were asked for: new fields, no approvals yet, a fresh SLA."""
    if cr.status != Status.CHANGES_REQUESTED:
        raise Conflict(
            "only a request whose changes were asked for can be resubmitted", code="not_resubmittable"
        )
    if access.user_id != cr.submitted_by:
        raise Forbidden("only the submitter may resubmit it", code="not_the_submitter")
    required = without_own(kind.approvals.required_roles(fields, threshold), roles_of(access))
    after = dataclasses.replace(
        cr,
        status=Status.SUBMITTED.value,
        fields=fields,
        baseline=baseline,
        comment=comment,
        round=cr.round + 1,
        required_roles=required,
        due_at=now + timedelta(hours=kind.sla_hours),
        version=cr.version + 1,
        restricted_to=sorted(set(cr.restricted_to) | {u for r in required for u in holders(r, parties)}),
    )
    after.waiting_on_user_ids = waiting_user_ids(after, parties)
    return after


def close_out(requests: list[ChangeRequest]) -> list[tuple[ChangeRequest, ChangeRequest]]:
    """A deal reaching a terminal stage withdraws its open requests (kept for the record, like its
    cancelled tasks): nothing can be decided on a closed deal, and they leave the ops queue."""
    return [
        (
            cr,
            dataclasses.replace(
                cr, status=Status.WITHDRAWN.value, version=cr.version + 1, waiting_on_user_ids=[]
            ),
        )
        for cr in requests
        if cr.is_open
    ]


def blocking(
    kinds: tuple[ChangeRequestType, ...], stage: str, requests: list[ChangeRequest]
) -> list[dict[str, Any]]:
    """Open requests of types that keep the deal in `stage` (a stage gate's `missing` entries)."""
    blockers = {k.key for k in kinds if stage in k.blocks_leaving}
    return [
        {
            "kind": "change_request",
            "id": cr.change_request_id,
            "type": cr.type,
            "label": cr.label,
            "status": cr.status,
        }
        for cr in requests
        if cr.type in blockers and cr.is_open
    ]
