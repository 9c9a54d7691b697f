"""Workflow templates: versioned data, not code. A deal pins the template version it started with.

A template declares its stages (client-facing label, plain-language next step, definition of done), its
key dates and how they derive from each other, its task and document templates, and which stages are
exits (reachable from any active stage with a reason: cancelled, withdrawn, denied). The built-in
templates live in `chalicelib/domain/templates/`; `validate()` refuses a malformed one at import.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from chalicelib.domain import change_request_types
from chalicelib.domain.change_request_types import ChangeRequestType
from chalicelib.domain.errors import Invalid
from chalicelib.domain.esign import SignerRule
from chalicelib.domain.roles import PartyRole, Visibility

STAGE_ENTRY = "stage_entry"  # a due rule anchored on the moment the item's stage is entered
PROOF_KINDS = frozenset({"none", "note", "document"})
DUE_TIME = time(17, 0)  # items due on a date are due at 5 pm in the deal's time zone
MAX_TEMPLATE_ITEMS = 70  # tasks + document requests a template may instantiate (docs/WORKFLOWS.md)


class TemplateError(ValueError):
    """A template that cannot run: unknown references, cycles, undefined key dates."""

    def __init__(self, workflow: str, problems: list[str]) -> None:
        super().__init__(f"template {workflow}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DueRule:
    """Due `offset_days` after a key date, or after the item's stage is entered."""

    anchor: str
    offset_days: int = 0

    def due_at(
        self, key_dates: Mapping[str, date], stage_entered: datetime | None, tz: str
    ) -> datetime | None:
        if self.anchor == STAGE_ENTRY:
            if stage_entered is None:
                return None
            return stage_entered + timedelta(days=self.offset_days)
        base = key_dates.get(self.anchor)
        if base is None:
            return None
        return datetime.combine(base + timedelta(days=self.offset_days), DUE_TIME, ZoneInfo(tz))

    def as_dict(self) -> dict[str, object]:
        return {"anchor": self.anchor, "offset_days": self.offset_days}


@dataclass(frozen=True)
class KeyDate:
    """A key date; a derived one defaults to `base + offset_days` and follows its base while it still
    equals that derivation (docs/WORKFLOWS.md)."""

    name: str
    label: str
    base: str | None = None
    offset_days: int = 0


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    next_step: str
    terminal: bool = False
    exit: bool = False  # reachable from any active stage with a reason (cancelled, withdrawn, denied)
    done_documents: tuple[str, ...] = ()  # document types that must be approved to leave the stage
    done_tasks: tuple[str, ...] = ()  # task template keys that must be done to leave the stage
    locked: bool = False  # a template derived from this one keeps it (docs/TEMPLATES.md)


@dataclass(frozen=True)
class TaskTemplate:
    key: str
    title: str
    stage: str
    owner_role: str  # a party role; the first party with it owns the task
    due: DueRule | None = None
    depends_on: tuple[str, ...] = ()
    visibility: Visibility = Visibility.PARTIES
    proof: str = "none"  # none | note | document
    work_order: bool = False  # a vendor's assignment, which the vendor accepts or declines
    locked: bool = False  # a template derived from this one keeps it (docs/TEMPLATES.md)


@dataclass(frozen=True)
class DocumentTemplate:
    key: str
    type: str
    label: str
    stage: str
    required: bool = True
    uploader_roles: tuple[str, ...] = ("client",)
    visibility: Visibility = Visibility.PARTIES
    viewer_roles: tuple[str, ...] = ()  # with `restricted`: the party roles who see it beside the uploaders
    accepted_types: tuple[str, ...] = ("application/pdf", "image/jpeg", "image/png")
    max_bytes: int = 25 * 1024 * 1024
    due: DueRule | None = None
    locked: bool = False  # a template derived from this one keeps it, required (docs/TEMPLATES.md)
    # e-signature (docs/ESIGN.md): who signs, by party role, in which order; empty: the default signers
    signers: tuple[SignerRule, ...] = ()


@dataclass(frozen=True)
class WorkflowTemplate:
    workflow: str
    version: int
    title: str
    stages: tuple[Stage, ...]
    key_dates: tuple[KeyDate, ...] = ()
    tasks: tuple[TaskTemplate, ...] = ()
    documents: tuple[DocumentTemplate, ...] = ()
    opened_by_clients: bool = False  # a client on an active lease may open one (maintenance)
    opened_on: str | None = None  # a key date that defaults to the day the deal is opened
    change_requests: tuple[ChangeRequestType, ...] = ()  # docs/CHANGE_REQUESTS.md

    @property
    def first_stage(self) -> Stage:
        return self.stages[0]

    @property
    def key_date_names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.key_dates)

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise Invalid(f"'{key}' is not a stage of the {self.workflow} workflow", code="unknown_stage")

    def has_stage(self, key: str) -> bool:
        return any(s.key == key for s in self.stages)

    def ladder(self) -> tuple[Stage, ...]:
        """The stages a deal walks in order (exits are side doors)."""
        return tuple(s for s in self.stages if not s.exit)

    def next_stage(self, key: str) -> Stage | None:
        ladder = self.ladder()
        keys = [s.key for s in ladder]
        if key not in keys or keys.index(key) + 1 >= len(keys):
            return None
        return ladder[keys.index(key) + 1]

    def position(self, key: str) -> int:
        return [s.key for s in self.ladder()].index(key)

    def task(self, key: str) -> TaskTemplate:
        for task in self.tasks:
            if task.key == key:
                return task
        raise Invalid(f"'{key}' is not a task of the {self.workflow} workflow", code="unknown_task_template")

    def document(self, key: str) -> DocumentTemplate:
        for doc in self.documents:
            if doc.key == key:
                return doc
        raise Invalid(
            f"'{key}' is not a document of the {self.workflow} workflow", code="unknown_document_template"
        )

    def change_request_type(self, key: str) -> ChangeRequestType:
        for kind in self.change_requests:
            if kind.key == key:
                return kind
        raise Invalid(
            f"'{key}' is not a change request type of the {self.workflow} workflow",
            code="unknown_change_request_type",
            details={"known": [k.key for k in self.change_requests]},
        )

    def derive_key_dates(self, given: Mapping[str, date]) -> dict[str, date]:
        """The given dates plus every derived date whose base is known (bases first: validated acyclic)."""
        dates = dict(given)
        for key_date in _in_dependency_order(self.key_dates):
            if key_date.name not in dates and key_date.base is not None and key_date.base in dates:
                dates[key_date.name] = dates[key_date.base] + timedelta(days=key_date.offset_days)
        return dates

    def follow_key_dates(
        self, before: Mapping[str, date], changed: Mapping[str, date | None]
    ) -> dict[str, date]:
        """Apply `changed` to `before`; derived dates not named in `changed` that still equal their
        derivation from the old base follow the base's move."""
        after = {k: v for k, v in before.items()}
        for name, value in changed.items():
            if value is None:
                after.pop(name, None)
            else:
                after[name] = value
        for key_date in _in_dependency_order(self.key_dates):
            base = key_date.base
            if base is None or key_date.name in changed:
                continue
            old_base, new_base = before.get(base), after.get(base)
            current = before.get(key_date.name)
            if old_base is None or new_base is None or old_base == new_base or current is None:
                continue
            if current == old_base + timedelta(days=key_date.offset_days):
                after[key_date.name] = new_base + timedelta(days=key_date.offset_days)
        return after


def _in_dependency_order(key_dates: Iterable[KeyDate]) -> list[KeyDate]:
    """Bases before the dates derived from them (a base the template does not define counts as given)."""
    pending = list(key_dates)
    known = {k.name for k in pending}
    ordered: list[KeyDate] = []
    placed: set[str] = set()
    while pending:
        ready = [k for k in pending if k.base is None or k.base in placed or k.base not in known]
        if not ready:
            raise ValueError("key dates derive from each other in a cycle")
        for k in ready:
            ordered.append(k)
            placed.add(k.name)
            pending.remove(k)
    return ordered


# -- validation ---------------------------------------------------------------------------------------


def validate(template: WorkflowTemplate) -> WorkflowTemplate:
    """Refuse a template that could not run. Returns it, so a module can validate as it declares."""
    problems = (
        _stage_problems(template)
        + _key_date_problems(template)
        + _task_problems(template)
        + _document_problems(template)
        + change_request_types.problems(
            template.change_requests,
            stages={s.key for s in template.stages},
            key_dates=set(template.key_date_names),
            documents={d.key for d in template.documents},
        )
    )
    if problems:
        raise TemplateError(template.workflow, problems)
    return template


def _duplicates(keys: list[str]) -> list[str]:
    return sorted({k for k in keys if keys.count(k) > 1})


def _stage_problems(t: WorkflowTemplate) -> list[str]:
    problems = [f"duplicate stage '{k}'" for k in _duplicates([s.key for s in t.stages])]
    ladder = t.ladder()
    if not ladder or ladder[0].terminal:
        problems.append("the first stage must be an active (non-terminal) stage")
    elif not ladder[-1].terminal:
        problems.append("the last stage of the ladder must be terminal")
    problems += [f"exit stage '{s.key}' must be terminal" for s in t.stages if s.exit and not s.terminal]
    problems += [f"terminal stage '{s.key}' must end the ladder" for s in ladder[:-1] if s.terminal]
    task_keys = {task.key for task in t.tasks}
    doc_types = {doc.type for doc in t.documents}
    for stage in t.stages:
        problems += [
            f"stage '{stage.key}' needs unknown task '{k}'" for k in stage.done_tasks if k not in task_keys
        ]
        problems += [
            f"stage '{stage.key}' needs unknown document type '{k}'"
            for k in stage.done_documents
            if k not in doc_types
        ]
    return problems


def _key_date_problems(t: WorkflowTemplate) -> list[str]:
    names = [k.name for k in t.key_dates]
    problems = [f"duplicate key date '{k}'" for k in _duplicates(names)]
    if t.opened_on is not None and t.opened_on not in names:
        problems.append(f"opened_on names undefined key date '{t.opened_on}'")
    problems += [
        f"key date '{k.name}' derives from undefined key date '{k.base}'"
        for k in t.key_dates
        if k.base is not None and k.base not in names
    ]
    if not problems:
        try:
            _in_dependency_order(t.key_dates)
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def _due_problem(owner: str, due: DueRule | None, t: WorkflowTemplate) -> list[str]:
    if due is None or due.anchor == STAGE_ENTRY or due.anchor in t.key_date_names:
        return []
    return [f"{owner} is due relative to undefined key date '{due.anchor}'"]


def _task_problems(t: WorkflowTemplate) -> list[str]:
    keys = [task.key for task in t.tasks]
    problems = [f"duplicate task '{k}'" for k in _duplicates(keys)]
    roles = set(PartyRole)
    for task in t.tasks:
        where = f"task '{task.key}'"
        if not t.has_stage(task.stage):
            problems.append(f"{where} is in unknown stage '{task.stage}'")
        if task.owner_role not in roles:
            problems.append(f"{where} has unknown owner role '{task.owner_role}'")
        if task.proof not in PROOF_KINDS:
            problems.append(f"{where} has unknown proof '{task.proof}'")
        problems += [f"{where} depends on unknown task '{d}'" for d in task.depends_on if d not in keys]
        problems += _due_problem(where, task.due, t)
    if not problems:
        cycle = find_cycle({task.key: list(task.depends_on) for task in t.tasks})
        if cycle:
            problems.append("tasks depend on each other in a cycle: " + " → ".join(cycle))
    if len(t.tasks) + len(t.documents) > MAX_TEMPLATE_ITEMS:
        problems.append(f"a template may hold at most {MAX_TEMPLATE_ITEMS} tasks and documents")
    return problems


def _document_problems(t: WorkflowTemplate) -> list[str]:
    problems = [f"duplicate document '{k}'" for k in _duplicates([d.key for d in t.documents])]
    roles = set(PartyRole)
    for doc in t.documents:
        where = f"document '{doc.key}'"
        if not t.has_stage(doc.stage):
            problems.append(f"{where} is in unknown stage '{doc.stage}'")
        problems += [
            f"{where} has unknown role '{r}'"
            for r in (*doc.uploader_roles, *doc.viewer_roles)
            if r not in roles
        ]
        if not doc.accepted_types:
            problems.append(f"{where} accepts no content type")
        if not 0 < doc.max_bytes <= 100 * 1024 * 1024:
            problems.append(f"{where} must allow between 1 byte and 100 MiB")
        problems += _due_problem(where, doc.due, t)
        problems += [
            f"{where} has unknown signer role '{r.role}'" for r in doc.signers if r.role not in roles
        ]
        problems += [f"{where} has a signer order below 1" for r in doc.signers if r.order < 1]
    return problems


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """A dependency cycle in `graph` (node → what it depends on) as a path, or [] when it is a DAG."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for dep in graph.get(node, ()):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if state.get(dep) is None:
                found = visit(dep)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return []

    for node in graph:
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return []


# -- the registry ---------------------------------------------------------------------------------------


@dataclass
class Registry:
    templates: dict[tuple[str, int], WorkflowTemplate] = field(default_factory=dict)

    def add(self, template: WorkflowTemplate) -> None:
        self.templates[(template.workflow, template.version)] = validate(template)

    def workflows(self) -> tuple[str, ...]:
        return tuple(sorted({workflow for workflow, _ in self.templates}))


@functools.cache
def registry() -> Registry:
    """The built-in templates, validated once on first use (templates import this module's types)."""
    from chalicelib.domain.templates import BUILTIN

    found = Registry()
    for template in BUILTIN:
        found.add(template)
    return found


def latest(workflow: str) -> WorkflowTemplate:
    versions = [t for (name, _), t in registry().templates.items() if name == workflow]
    if not versions:
        raise Invalid(
            f"unknown workflow '{workflow}'",
            code="unknown_workflow",
            details={"known": registry().workflows()},
        )
    return max(versions, key=lambda t: t.version)


def pinned(workflow: str, version: int) -> WorkflowTemplate:
    """The exact template a deal started with."""
    try:
        return registry().templates[(workflow, version)]
    except KeyError:
        raise Invalid(f"no template {workflow} v{version}", code="unknown_template") from None


# -- org-owned templates (docs/TEMPLATES.md) -------------------------------------------------------------

# The org templates this warm function has read, by (template id, version): a published version never
# changes, so each is read at most once per warm function (store/templates.py fills it on a miss).
ORG_TEMPLATE_CACHE: dict[tuple[str, int], WorkflowTemplate] = {}


class _PinnedDeal(Protocol):
    org_id: str
    workflow: str
    template_version: int
    template_id: str | None


def of_deal(deal: _PinnedDeal) -> WorkflowTemplate:
    """The exact template a deal runs: the built-in version it pinned, or its org template's version."""
    if deal.template_id is None:
        return pinned(deal.workflow, deal.template_version)
    found = ORG_TEMPLATE_CACHE.get((deal.template_id, deal.template_version))
    if found is not None:
        return found
    from chalicelib.store import templates as template_store  # the first read of this version here

    return template_store.published(deal.org_id, deal.template_id, deal.template_version)
