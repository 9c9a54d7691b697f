"""Writing what an approved change request changes, staged on the approval's own unit of work (the plan
is pure: domain/change_request_effects.py)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from chalicelib import clock
from chalicelib.domain import change_request_effects as effects
from chalicelib.domain import workflows
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import Conflict
from chalicelib.domain.roles import PartyStatus
from chalicelib.domain.views import Workspace
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store import plan as plan_store
from chalicelib.store.unit_of_work import UnitOfWork


def apply_effects(uow: UnitOfWork, plan: effects.EffectPlan, ws: Workspace, caller: Caller) -> Any:
    """Stage the change itself; the deal write is conditional on the version read (409 if it moved)."""
    deal = ws.deal
    if plan.deal_after is not None:
        moved = Conflict(
            "the deal changed while this was being decided; nothing was applied", code="deal_moved"
        )
        deal_store.change_deal(uow, deal, plan.deal_after, on_stale=moved)
        deal = plan.deal_after
    plan_store.apply(uow, plan.task_moves, plan.request_moves)
    if plan.new_request is not None:
        doc_store.add_request(uow, plan.new_request)
    if plan.new_task is not None:
        plan_store.add_task(uow, plan.new_task)
    if plan.remove_party is not None:
        revoked = dataclasses.replace(plan.remove_party, status=PartyStatus.REVOKED, revoked_at=clock.now())
        deal_store.change_party(uow, plan.remove_party, revoked, deal)
    if plan.add_party is not None:
        _stage_new_party(uow, plan, ws, caller)
    return deal


def _stage_new_party(uow: UnitOfWork, plan: effects.EffectPlan, ws: Workspace, caller: Caller) -> None:
    from chalicelib.domain import plan as deal_plan
    from chalicelib.domain.commands import PartyIn
    from chalicelib.services.deals import new_party
    from chalicelib.store import users as user_store

    assert plan.add_party is not None
    wanted = PartyIn.model_validate_json(
        json.dumps({k: v for k, v in plan.add_party.items() if v is not None})
    )
    person = user_store.lookup([wanted.email], ws.deal.org_id).get(wanted.email)
    party = new_party(uow, ws.deal, wanted, person, caller.user_id)
    deal_store.add_party(uow, party, ws.deal)
    template = workflows.of_deal(ws.deal)
    tasks, requests = deal_plan.assign_new_party(template, ws.tasks, ws.document_requests, party)
    plan_store.apply(uow, tasks, requests)
    plan.described[0]["user_id"] = party.user_id
