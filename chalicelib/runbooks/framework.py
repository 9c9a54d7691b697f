"""What every runbook shares: a validated input, a plan, `dry_run` by default, the console principal as
the actor, and one answer shape.

A runbook is a `Runbook(name, Input, plan, apply)`: `plan(input)` reads and says what would change (a list
of steps, empty when there is nothing to do); `apply(input, plan, actor)` makes exactly those changes and
records their activity events (through the same service functions the API uses). A dry run stops after
the plan. Because every plan is computed from the current state, a second real run finds nothing left to
do: runbooks are idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from chalicelib.domain.entities import Actor
from chalicelib.observability import logger

# An IAM principal ARN, an SSO user name or an email: who started the runbook (CloudTrail has the rest).
Principal = Annotated[str, StringConstraints(pattern=r"^[\w+=,.@:/-]{3,200}$")]


class RunbookInput(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    requested_by: Principal
    dry_run: bool = True


I = TypeVar("I", bound=RunbookInput)  # noqa: E741


class RunbookInputError(ValueError):
    """The event does not describe a valid run; nothing was read or written."""

    def __init__(self, runbook: str, problems: list[dict[str, str]]) -> None:
        super().__init__(f"{runbook}: invalid input: {json.dumps(problems)}")
        self.problems = problems


@dataclass(frozen=True)
class Step:
    """One change a run makes (or would make, in a dry run)."""

    action: str
    target: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, **self.target}


def console_actor(requested_by: str) -> Actor:
    return Actor(f"console:{requested_by}", f"{requested_by} (console)")


@dataclass(frozen=True)
class Runbook[I: RunbookInput]:
    name: str
    input_model: type[I]
    plan: Callable[[I], list[Step]]
    apply: Callable[[I, list[Step], Actor], list[dict[str, Any]]]

    def parse(self, event: Any) -> I:
        try:
            return self.input_model.model_validate_json(json.dumps(event if event is not None else {}))
        except ValidationError as exc:
            problems = [
                {"field": ".".join(str(p) for p in e["loc"]) or "(event)", "problem": e["msg"]}
                for e in exc.errors(include_url=False, include_context=False, include_input=False)
            ]
            raise RunbookInputError(self.name, problems) from None

    def __call__(self, event: Any, context: Any = None) -> dict[str, Any]:
        given = self.parse(event)
        steps = self.plan(given)
        out: dict[str, Any] = {
            "runbook": self.name,
            "dry_run": given.dry_run,
            "requested_by": given.requested_by,
            "plan": [s.as_dict() for s in steps],
        }
        if given.dry_run or not steps:
            out["changed"] = []
            if not steps:
                out["note"] = "nothing to do: the system is already in the requested state"
        else:
            out["changed"] = self.apply(given, steps, console_actor(given.requested_by))
        logger.info(
            "runbook run",
            extra={
                "runbook": self.name,
                "dry_run": given.dry_run,
                "steps": len(steps),
                "changed": len(out["changed"]),
            },
        )
        # the console's log shows the plan; results may hold a presigned link and are only returned
        print(json.dumps({k: out[k] for k in ("runbook", "dry_run", "plan")}, indent=2, default=str))
        return out
