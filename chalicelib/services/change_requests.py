"""Change requests: the types a caller may submit, submit, list, read, decide, withdraw, resubmit.

Every write is one transaction carrying the request, its activity event and, for the approval that
completes the chain, the change itself (docs/CHANGE_REQUESTS.md). Reads: the caller, then the deal's
workspace (one Query: deal, parties, tasks, requests and change requests) — plus, only when approval adds
a party, the lookup of that person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain import change_request_effects as effects
from chalicelib.domain import change_requests as rules
from chalicelib.domain import workflows
from chalicelib.domain.access import Action, Caller, DealAccess, require_admin
from chalicelib.domain.change_request_types import ChangeRequestType, fields_model, json_schema
from chalicelib.domain.change_requests import ChangeRequest, Decision, Status
from chalicelib.domain.entities import ActivityEvent, Deal
from chalicelib.domain.errors import Conflict, Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.domain.views import Workspace
from chalicelib.services.access import deal_header_access, workspace_access
from chalicelib.services.activity import deal_event, org_event
from chalicelib.services.change_request_effects import apply_effects
from chalicelib.store import change_requests as cr_store
from chalicelib.store import cursors
from chalicelib.store import deals as deal_store
from chalicelib.store import orgs as org_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import (
        ChangeRequestDecisionIn,
        ChangeRequestResubmission,
        NewChangeRequest,
    )

ID_PREFIX = "cr"


@dataclass
class Found:
    cr: ChangeRequest
    ws: Workspace
    access: DealAccess


def _document_types(template: workflows.WorkflowTemplate) -> tuple[str, ...]:
    return tuple(d.key for d in template.documents)


def _open_template(ws: Workspace) -> workflows.WorkflowTemplate:
    template = workflows.of_deal(ws.deal)
    if template.stage(ws.deal.stage).terminal:
        raise Conflict("this deal is closed; nothing can change on it any more", code="deal_closed")
    return template


def submittable_types(caller: Caller, deal_id: str) -> list[dict[str, Any]]:
    ws, access = workspace_access(caller, deal_id)
    template = workflows.of_deal(ws.deal)
    return [
        {
            "type": kind.key,
            "label": kind.label,
            "description": kind.description,
            "approvals": kind.approvals.as_dict(),
            "sla_hours": kind.sla_hours,
            "visibility": kind.visibility.value,
            "effect": kind.effect.describe(),
            "blocks_leaving": list(kind.blocks_leaving),
            "fields_schema": json_schema(kind, _document_types(template)),
        }
        for kind in template.change_requests
        if rules.may_submit(kind, access)
    ]


def _fields(
    kind: ChangeRequestType, template: workflows.WorkflowTemplate, given: dict[str, Any]
) -> dict[str, Any]:
    """The fields, validated against the type's schema (422 `invalid_fields` naming each problem)."""
    from pydantic import ValidationError

    try:
        model = fields_model(kind, _document_types(template)).model_validate_json(json.dumps(given))
    except ValidationError as exc:
        problems = [
            {"field": "fields." + ".".join(str(p) for p in e["loc"]), "problem": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise Invalid(
            "some fields of the change request are missing or wrong", code="invalid_fields", details=problems
        ) from None
    return {k: v for k, v in model.model_dump(mode="json").items() if v is not None}


def submit(caller: Caller, deal_id: str, command: NewChangeRequest) -> Found:
    """Reads the deal and its parties (all a submission needs), then one transaction."""
    deal, parties, access = deal_header_access(caller, deal_id)
    ws = Workspace(deal=deal, parties=parties)
    template = _open_template(ws)
    kind = template.change_request_type(command.type)
    fields = _fields(kind, template, command.fields)
    now = clock.now()
    cr = rules.new_request(
        kind,
        ws.deal,
        ws.parties,
        access,
        request_id=ids.new_id(ID_PREFIX),
        fields=fields,
        baseline=effects.baseline(kind, ws.deal, ws.parties, fields),
        comment=command.comment,
        now=now,
        threshold=_org_threshold(kind, deal.org_id),
    )
    uow = UnitOfWork()
    cr_store.add(uow, cr)
    deal_store.touch(uow, ws.deal, ws.parties, now)
    uow.record(
        _event(
            ws.deal,
            cr,
            caller,
            EventType.CHANGE_REQUEST_SUBMITTED,
            f"{caller.label} asked for a {cr.label.lower()}",
            now,
            waiting_on=rules.pending_roles(cr),
            due_at=clock.iso(cr.due_at),
        )
    )
    uow.commit()
    ws.change_requests.append(cr)
    return Found(cr, ws, access)


def _org_threshold(kind: ChangeRequestType, org_id: str) -> int | None:
    """The org's own cost-approval threshold: read (one GetItem) only for a type that has a threshold."""
    if kind.approvals.above is None:
        return None
    org = org_store.get_org(org_id)
    return org.cost_approval_threshold if org else None


def set_cost_approval_threshold(caller: Caller, org_id: str, threshold: int | None) -> int | None:
    """An admin sets the amount above which a quote also needs the owner's (the admin's) approval."""
    require_admin(caller, org_id)
    org = org_store.get_org(org_id)
    if org is None:
        raise NotFound("organization not found")
    uow = UnitOfWork()
    org_store.set_cost_approval_threshold(uow, org, threshold)
    change = {"field": "cost_approval_threshold", "from": org.cost_approval_threshold, "to": threshold}
    uow.record(
        org_event(
            org_id,
            caller.actor,
            EventType.ORG_SETTINGS_CHANGED,
            "Changed the cost-approval threshold",
            data={"changes": [change]},
        )
    )
    uow.commit()
    return threshold


def _load(caller: Caller, deal_id: str, change_request_id: str) -> Found:
    ws, access = workspace_access(caller, deal_id)
    cr = next((c for c in ws.change_requests if c.change_request_id == change_request_id), None)
    if cr is None or not rules.visible(cr, access):
        raise NotFound("change request not found")
    return Found(cr, ws, access)


def get(caller: Caller, deal_id: str, change_request_id: str) -> Found:
    return _load(caller, deal_id, change_request_id)


@dataclass
class Listed:
    items: list[ChangeRequest]
    next_cursor: str | None
    ws: Workspace
    access: DealAccess


def list_requests(
    caller: Caller, deal_id: str, *, status: str | None, limit: int, cursor: str | None
) -> Listed:
    """Newest first, filtered for the caller: the workspace Query, paged in memory (like tasks)."""
    if status is not None and status not in Status.__members__.values():
        raise Invalid("status must be one of " + ", ".join(Status), code="invalid_status")
    ws, access = workspace_access(caller, deal_id)
    access.require(Action.VIEW_DEAL)
    seen = [c for c in ws.change_requests if rules.visible(c, access) and status in (None, c.status)]
    seen.sort(key=lambda c: (c.submitted_at, c.change_request_id), reverse=True)
    scope = f"change-requests:{deal_id}:{caller.user_id}:{status}"
    start = cursors.decode(scope, cursor)
    offset = int(start.get("offset", 0)) if start else 0
    more = offset + limit < len(seen)
    return Listed(
        seen[offset : offset + limit],
        cursors.encode(scope, {"offset": offset + limit} if more else None),
        ws,
        access,
    )


def decide(caller: Caller, deal_id: str, change_request_id: str, command: ChangeRequestDecisionIn) -> Found:
    found = _load(caller, deal_id, change_request_id)
    ws, before = found.ws, found.cr
    template = _open_template(ws)
    kind = template.change_request_type(before.type)
    now = clock.now()
    after = rules.decide(before, found.access, ws.parties, Decision(command.decision), command.comment, now)
    uow = UnitOfWork()
    deal = ws.deal
    if after.status == Status.APPROVED:
        plan = effects.plan(after, kind, template, ws.deal, ws.parties, ws.tasks, ws.document_requests, now)
        if plan.applies_anything:
            after.status = Status.APPLIED.value
            after.effects = plan.described
            deal = apply_effects(uow, plan, ws, caller)
    cr_store.change(uow, before, after)
    deal_store.touch(uow, deal, ws.parties, now)
    uow.record(_decision_event(ws, after, caller, now))
    uow.commit()
    ws.deal = deal
    ws.change_requests = [after if c is before else c for c in ws.change_requests]
    return Found(after, ws, found.access)


def withdraw(caller: Caller, deal_id: str, change_request_id: str) -> Found:
    found = _load(caller, deal_id, change_request_id)
    now = clock.now()
    after = rules.withdraw(found.cr, found.access, now)
    uow = UnitOfWork()
    cr_store.change(uow, found.cr, after)
    deal_store.touch(uow, found.ws.deal, found.ws.parties, now)
    uow.record(
        _event(
            found.ws.deal,
            after,
            caller,
            EventType.CHANGE_REQUEST_WITHDRAWN,
            f"{caller.label} withdrew the {after.label.lower()}",
            now,
            notify=found.cr.waiting_on_user_ids,
        )
    )
    uow.commit()
    return Found(after, found.ws, found.access)


def resubmit(
    caller: Caller, deal_id: str, change_request_id: str, command: ChangeRequestResubmission
) -> Found:
    found = _load(caller, deal_id, change_request_id)
    ws = found.ws
    template = _open_template(ws)
    kind = template.change_request_type(found.cr.type)
    fields = _fields(kind, template, command.fields)
    now = clock.now()
    after = rules.resubmit(
        found.cr,
        kind,
        found.access,
        ws.parties,
        fields=fields,
        baseline=effects.baseline(kind, ws.deal, ws.parties, fields),
        comment=command.comment,
        now=now,
        threshold=_org_threshold(kind, ws.deal.org_id),
    )
    uow = UnitOfWork()
    cr_store.change(uow, found.cr, after)
    deal_store.touch(uow, ws.deal, ws.parties, now)
    uow.record(
        _event(
            ws.deal,
            after,
            caller,
            EventType.CHANGE_REQUEST_RESUBMITTED,
            f"{caller.label} resubmitted the {after.label.lower()}",
            now,
            waiting_on=rules.pending_roles(after),
            due_at=clock.iso(after.due_at),
            round=after.round,
        )
    )
    uow.commit()
    return Found(after, ws, found.access)


def _decision_event(ws: Workspace, cr: ChangeRequest, caller: Caller, now: datetime) -> ActivityEvent:
    """One event per decision; the completing approval's names the change and every effect."""
    last = cr.decisions[-1]
    comment = last.get("comment")
    what = cr.label.lower()
    if cr.status == Status.APPLIED:
        summary = f"{caller.label} approved the {what}: {effects.describe(cr.effects)}"
        return _event(
            ws.deal,
            cr,
            caller,
            EventType.CHANGE_REQUEST_APPLIED,
            summary,
            now,
            effects=cr.effects,
            notify=[cr.submitted_by],
        )
    if cr.status == Status.APPROVED:
        return _event(
            ws.deal,
            cr,
            caller,
            EventType.CHANGE_REQUEST_APPROVED,
            f"{caller.label} approved the {what}",
            now,
            effects=[],
            notify=[cr.submitted_by],
        )
    if cr.status == Status.REJECTED:
        return _event(
            ws.deal,
            cr,
            caller,
            EventType.CHANGE_REQUEST_REJECTED,
            f"{caller.label} rejected the {what}",
            now,
            comment=comment,
            notify=[cr.submitted_by],
        )
    if cr.status == Status.CHANGES_REQUESTED:
        return _event(
            ws.deal,
            cr,
            caller,
            EventType.CHANGE_REQUEST_CHANGES_REQUESTED,
            f"{caller.label} asked for changes to the {what}",
            now,
            comment=comment,
            notify=[cr.submitted_by],
        )
    return _event(
        ws.deal,
        cr,
        caller,
        EventType.CHANGE_REQUEST_APPROVAL_RECORDED,
        f"{caller.label} approved the {what} as {last['role']}",
        now,
        role=last["role"],
        waiting_on=rules.pending_roles(cr),
    )


def _event(
    deal: Deal,
    cr: ChangeRequest,
    caller: Caller,
    kind: EventType,
    summary: str,
    now: datetime,
    *,
    notify: list[str] | None = None,
    **data: Any,
) -> ActivityEvent:
    """The event has the request's visibility; its restricted_to names whom it is about (the approvers it
    now waits on, or the submitter), so they are told and can read it even where their role would not."""
    about = set(cr.waiting_on_user_ids if notify is None else notify)
    if notify is None and rules.waits_on_coordinator(cr):
        data["for_coordinators"] = True  # the outbox tells the deal's coordinator(s), parties or not
    if cr.visibility == Visibility.RESTRICTED.value:
        about |= set(cr.restricted_to)
    return deal_event(
        deal,
        caller.actor,
        kind,
        summary,
        visibility=Visibility(cr.visibility),
        restricted_to=about,
        data={"change_request_id": cr.change_request_id, "type": cr.type, "label": cr.label, **data},
        at=now,
    )
