"""Runbook: override a deal's stage from the console (a deal stuck on a definition of done that no longer
applies, a deal imported mid-flight). The same rules as the API's override: a reason, the unmet items
recorded, never out of a terminal stage."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.commands import Id, Reason, StageKey, TransitionIn
from chalicelib.domain.entities import Actor
from chalicelib.domain.errors import NotFound
from chalicelib.domain.views import Workspace
from chalicelib.runbooks.framework import Runbook, RunbookInput, Step
from chalicelib.services import transitions
from chalicelib.store import deals as deal_store


class OverrideStageInput(RunbookInput):
    deal_id: Id
    to: StageKey
    reason: Reason


def _workspace(given: OverrideStageInput) -> Workspace:
    ws = deal_store.load_workspace(given.deal_id)
    if ws is None:
        raise NotFound("deal not found")
    return ws


def _move(given: OverrideStageInput) -> TransitionIn:
    return TransitionIn(to=given.to, reason=given.reason, override=True)


def _plan(given: OverrideStageInput) -> list[Step]:
    ws = _workspace(given)
    if ws.deal.stage == given.to:
        return []  # already there: a second run changes nothing
    decision = transitions.plan_stage_change(ws, _move(given), may_override=True)
    target = {"deal_id": ws.deal.deal_id, "from": ws.deal.stage, "to": decision.target.key}
    return [Step("move the deal", {**target, "unmet": decision.unmet})]


def _apply(given: OverrideStageInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    ws = transitions.change_stage(_workspace(given), actor, _move(given), may_override=True)
    return [{"deal_id": ws.deal.deal_id, "stage": ws.deal.stage, "version": ws.deal.version}]


OVERRIDE_STAGE = Runbook("runbook_override_stage", OverrideStageInput, _plan, _apply)
