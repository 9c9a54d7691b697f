"""Intake and qualification rules (docs/INTAKE.md), with no I/O: the form, the answers' checks, the lead's
life cycle and routing. Defaults ship in domain/templates/intake.py; an org may override them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import Conflict, Invalid

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
QUESTION_TYPES = frozenset({"text", "number", "boolean", "choice", "date"})
MAX_TEXT_ANSWER = 2000


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    type: str  # text, number, boolean, choice, date
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    workflow: str  # the workflow a converted lead opens
    questions: tuple[Question, ...] = ()
    checklist: tuple[str, ...] = ()
    property_required: bool = False


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    DISQUALIFIED = "disqualified"


OPEN_STATUSES = frozenset({LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED})
# Forward moves staff make by hand; `converted` only through the convert route (it opens the deal).
_MOVES: dict[LeadStatus, frozenset[LeadStatus]] = {
    LeadStatus.NEW: frozenset({LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED}),
    LeadStatus.CONTACTED: frozenset({LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED}),
    LeadStatus.QUALIFIED: frozenset({LeadStatus.DISQUALIFIED}),
    LeadStatus.CONVERTED: frozenset(),
    LeadStatus.DISQUALIFIED: frozenset(),
}


def check_move(current: LeadStatus, to: LeadStatus, reason: str | None) -> None:
    """A lead moves new → contacted → qualified → converted | disqualified; a reason is required to
    disqualify; a closed lead (converted, disqualified) does not move."""
    if to is LeadStatus.CONVERTED:
        raise Invalid("a lead is converted with POST …/convert, which opens its deal", code="use_convert")
    if current not in OPEN_STATUSES:
        raise Conflict(f"the lead is {current.value}", code="lead_closed")
    if to not in _MOVES[current]:
        raise Conflict(f"a {current.value} lead cannot move to {to.value}", code="invalid_lead_move")
    if to is LeadStatus.DISQUALIFIED and not (reason or "").strip():
        raise Invalid("say why the lead is disqualified", code="reason_required")


def check_answers(scenario: Scenario, answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every problem with the answers at once, in the `invalid_fields` details shape (never the value)."""
    problems: list[dict[str, str]] = []
    known = {q.key: q for q in scenario.questions}
    for key in sorted(set(answers) - set(known)):
        problems.append(_problem(key, "not a question of this form", "unknown_question"))
    for q in scenario.questions:
        value = answers.get(q.key)
        if value is None or value == "":
            if q.required:
                problems.append(_problem(q.key, "an answer is required", "missing"))
            continue
        problem = _type_problem(q, value)
        if problem:
            problems.append(_problem(q.key, problem, "wrong_answer"))
    return problems


def _problem(key: str, problem: str, kind: str) -> dict[str, str]:
    return {"field": f"answers.{key}", "problem": problem, "type": kind}


def _type_problem(q: Question, value: Any) -> str | None:
    if q.type == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1e12
        return None if ok else "must be a number"
    if q.type == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if q.type == "choice":
        return None if value in q.choices else f"must be one of: {', '.join(q.choices)}"
    if q.type == "date":
        ok = isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
        return None if ok else "must be a date, YYYY-MM-DD"
    if not isinstance(value, str) or len(value) > MAX_TEXT_ANSWER:
        return f"must be text of at most {MAX_TEXT_ANSWER} characters"
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        return "control characters are not allowed"
    return None


# -- routing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingRule:
    """Who owns a lead: the first rule whose conditions all hold (an empty condition holds for every
    lead). `team` is served round-robin; a single owner is a team of one."""

    team: tuple[str, ...]
    name: str = "rule"
    scenarios: frozenset[str] = frozenset()
    postal_codes: frozenset[str] = frozenset()  # 5-digit ZIPs
    cities: frozenset[str] = frozenset()  # lowercased

    def matches(self, scenario: str, postal_code: str | None, city: str | None) -> bool:
        if self.scenarios and scenario not in self.scenarios:
            return False
        if self.postal_codes and (postal_code or "")[:5] not in self.postal_codes:
            return False
        return not self.cities or (city or "").strip().lower() in self.cities


@dataclass(frozen=True)
class Routing:
    rules: tuple[RoutingRule, ...] = ()
    fallback: str | None = None  # a user id: nobody matched

    def pick(self, scenario: str, postal_code: str | None, city: str | None) -> RoutingRule | None:
        for rule in self.rules:
            if rule.team and rule.matches(scenario, postal_code, city):
                return rule
        return RoutingRule(team=(self.fallback,), name="fallback") if self.fallback else None


def round_robin(team: Sequence[str], counter: int) -> str:
    """The next owner in the team: the rule's counter (incremented by a conditional write) picks."""
    return team[counter % len(team)]


def routing_from(data: Mapping[str, Any] | None) -> Routing:
    if not data:
        return Routing()
    rules = tuple(
        RoutingRule(
            team=tuple(r.get("team") or ()),
            name=str(r.get("name") or f"rule{i}"),
            scenarios=frozenset(r.get("scenarios") or ()),
            postal_codes=frozenset(r.get("postal_codes") or ()),
            cities=frozenset(c.lower() for c in r.get("cities") or ()),
        )
        for i, r in enumerate(data.get("rules") or ())
    )
    return Routing(rules=rules, fallback=data.get("fallback"))


# -- the form of an org --------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeSettings:
    scenarios: tuple[Scenario, ...]
    routing: Routing = field(default_factory=Routing)
    contact_window_hours: int = 24  # a new lead not contacted within this reminds its owner
    escalate_after_hours: int = 24  # … and this much later its coordinator(s)

    def scenario(self, key: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.key == key), None)

    def first_reminder_at(self, created_at: datetime) -> datetime:
        return created_at + timedelta(hours=self.contact_window_hours)


def scenario_from(data: Mapping[str, Any]) -> Scenario:
    return Scenario(
        key=str(data["key"]),
        label=str(data["label"]),
        workflow=str(data["workflow"]),
        questions=tuple(
            Question(
                key=str(q["key"]),
                label=str(q["label"]),
                type=str(q["type"]),
                required=bool(q.get("required", False)),
                choices=tuple(q.get("choices") or ()),
                help=str(q.get("help") or ""),
            )
            for q in data.get("questions") or ()
        ),
        checklist=tuple(data.get("checklist") or ()),
        property_required=bool(data.get("property_required", False)),
    )


def settings_for(stored: Mapping[str, Any] | None) -> IntakeSettings:
    """The org's form: the shipped defaults, each replaced by the org's scenario of the same key, plus
    the org's own scenarios; its routing and reminder windows."""
    from chalicelib.domain.templates.intake import DEFAULT_SCENARIOS

    stored = stored or {}
    own = [scenario_from(s) for s in stored.get("scenarios") or ()]
    replaced = {s.key for s in own}
    scenarios = tuple(s for s in DEFAULT_SCENARIOS if s.key not in replaced) + tuple(own)
    return IntakeSettings(
        scenarios=scenarios,
        routing=routing_from(stored.get("routing")),
        contact_window_hours=int(stored.get("contact_window_hours") or 24),
        escalate_after_hours=int(stored.get("escalate_after_hours") or 24),
    )
