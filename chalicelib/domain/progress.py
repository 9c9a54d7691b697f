"""Stage transitions: which moves are allowed, what stands in the way, and when an override is needed.

- The next stage of the ladder: allowed when the current stage's definition of done is met; otherwise
  409 with what is missing, unless an admin or coordinator overrides with a reason.
- An exit stage (cancelled, withdrawn, denied): allowed from any active stage, with a reason.
- Any other move (skipping ahead, going back): only as an override with a reason; skipping ahead
  records the unmet items of every stage it skips.
- A terminal stage is final: nothing moves a closed deal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain import plan
from chalicelib.domain.entities import DocumentRequest, Task
from chalicelib.domain.errors import Conflict, Forbidden, Invalid
from chalicelib.domain.workflows import Stage, WorkflowTemplate


@dataclass(frozen=True)
class Decision:
    target: Stage
    unmet: list[dict[str, Any]]
    override: bool  # whether the move needed (and got) an override


def decide(
    template: WorkflowTemplate,
    current_key: str,
    to: str,
    *,
    reason: str | None,
    override: bool,
    may_override: bool,
    tasks: list[Task],
    requests: list[DocumentRequest],
    blocking: Callable[[str], list[dict[str, Any]]] = lambda stage: [],
) -> Decision:
    """`blocking(stage)` names what else keeps the deal in a stage (open change requests of a type the
    template says block it: docs/CHANGE_REQUESTS.md)."""
    current = template.stage(current_key)
    if current.terminal:
        raise Conflict(
            f"this deal is {current.label.lower()}; its stage can no longer change", code="deal_closed"
        )
    target = template.stage(to)
    if target.key == current.key:
        raise Conflict(f"the deal is already in {target.label}", code="already_in_stage")
    if target.exit:
        if not reason:
            raise Invalid(f"moving a deal to {target.label} needs a reason", code="reason_required")
        return Decision(target, [], False)
    following = template.next_stage(current.key)
    sequential = following is not None and following.key == target.key
    missing = _unmet_between(template, current, target, tasks, requests) + _blockers(
        template, current, target, blocking
    )
    if sequential and not missing:
        return Decision(target, [], False)
    if not override:
        if sequential:
            raise Conflict(
                f"{current.label} is not done yet",
                code="definition_of_done_unmet",
                details={"stage": current.key, "missing": missing},
            )
        raise Conflict(
            f"the next stage is {following.label if following else 'none'}; other moves need an override",
            code="not_the_next_stage",
            details={"next": following.key if following else None, "missing": missing},
        )
    if not may_override:
        raise Forbidden("only an admin or coordinator may override a stage", code="override_not_allowed")
    if not reason:
        raise Invalid("an override needs a reason", code="reason_required")
    return Decision(target, missing, True)


def _blockers(
    template: WorkflowTemplate, current: Stage, target: Stage, blocking: Callable[[str], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Moving forward: what else keeps the deal in the stage it leaves."""
    if template.position(target.key) > template.position(current.key):
        return blocking(current.key)
    return []


def _unmet_between(
    template: WorkflowTemplate,
    current: Stage,
    target: Stage,
    tasks: list[Task],
    requests: list[DocumentRequest],
) -> list[dict[str, Any]]:
    """Moving forward leaves the current stage and every stage before the target; going back leaves
    nothing unfinished behind."""
    start, end = template.position(current.key), template.position(target.key)
    if end < start:
        return []
    left_behind = template.ladder()[start:end]
    return [m for stage in left_behind for m in plan.unmet(template, stage.key, tasks, requests)]
