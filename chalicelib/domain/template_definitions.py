"""Org-owned templates as data (docs/TEMPLATES.md): the definition document an org edits, exports and
imports, how it is read back into a `WorkflowTemplate`, every problem with a path to it, the locked
items a derived template must keep, and the diff between two definitions.

A definition is the JSON form of `workflows.WorkflowTemplate` (without its `version`: a version is given
at publication) plus the org's own fields: `name`, `states` (two-letter codes the template serves) and
`intake` (intake questions, an extension point: free-form JSON object or absent until intake is built).
The same `workflows.validate` the built-ins pass checks it. Pydantic loads only when a definition is read.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from chalicelib.domain import workflows
from chalicelib.domain.workflows import TemplateError, WorkflowTemplate

if TYPE_CHECKING:
    from pydantic import TypeAdapter

FORMAT = "threshold.template/1"  # the `format` of an exported file
ORG_FIELDS = ("name", "states", "intake")
US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
    ]
)
MAX_DIFF_OPERATIONS = 50  # an audit event carries at most this many operations of a diff...
MAX_DIFF_BYTES = 8_000  # ...and at most this many bytes of them; `diff_operations` counts them all

# What the built-ins lock: a template derived from a built-in keeps these (required disclosures and
# compliance tasks). The built-in modules stay as they are; a clone carries the flags in its definition.
BUILTIN_LOCKS: dict[str, dict[str, frozenset[str]]] = {
    "purchase": {
        "documents": frozenset({"signed_disclosures", "purchase_agreement", "closing_disclosure"}),
        "tasks": frozenset({"compliance_review"}),
    },
    "listing": {"documents": frozenset({"seller_disclosure", "lead_paint_disclosure", "listing_agreement"})},
    "lease": {"documents": frozenset({"signed_lease"})},
    "maintenance": {"documents": frozenset({"completion_proof"})},
}


class Problem(TypedDict):
    path: str  # where, as a JSON path into the definition ("tasks[3].stage", "documents")
    message: str


class DefinitionInvalid(ValueError):
    """A definition that cannot run; `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p['path']}: {p['message']}" for p in problems))
        self.problems = problems


@dataclasses.dataclass(frozen=True)
class Definition:
    """A parsed definition: the runnable template and the org's fields."""

    template: WorkflowTemplate
    name: str
    states: tuple[str, ...] = ()
    intake: dict[str, Any] | None = None


# -- to and from a document ----------------------------------------------------------------------------


def document_of(definition: Definition) -> dict[str, Any]:
    """The JSON-ready definition (stable key order: diffs and exports read well)."""
    body = _adapter().dump_python(definition.template, mode="json")
    body.pop("version", None)
    doc: dict[str, Any] = {"name": definition.name, "states": list(definition.states)}
    if definition.intake is not None:
        doc["intake"] = definition.intake
    doc.update(body)
    return doc


def with_builtin_locks(template: WorkflowTemplate) -> WorkflowTemplate:
    """A built-in as a clone starts from it: its compliance items marked `locked`."""
    locks = BUILTIN_LOCKS.get(template.workflow, {})
    tasks = locks.get("tasks", frozenset())
    docs = locks.get("documents", frozenset())
    return dataclasses.replace(
        template,
        tasks=tuple(dataclasses.replace(t, locked=True) if t.key in tasks else t for t in template.tasks),
        documents=tuple(
            dataclasses.replace(d, locked=True, required=True) if d.key in docs else d
            for d in template.documents
        ),
    )


def parse(doc: Mapping[str, Any], *, workflow: str, version: int = 0) -> Definition:
    """Read and validate a definition: every problem at once (DefinitionInvalid), each with its path."""
    from pydantic import ValidationError

    problems: list[Problem] = []
    body = {k: v for k, v in doc.items() if k not in ORG_FIELDS}
    if body.get("workflow", workflow) != workflow:
        problems.append(_problem("workflow", f"a {workflow} template stays a {workflow} template"))
    body["workflow"] = workflow
    body["version"] = version
    name, states, intake = _org_fields(doc, problems)
    try:
        # through JSON: strict types read lists as tuples there, exactly as a client sent them
        template = _adapter().validate_json(json.dumps(body, default=str))
    except ValidationError as exc:
        problems += [_problem(_loc(e["loc"]), e["msg"]) for e in exc.errors()]
        raise DefinitionInvalid(problems) from None
    problems += template_problems(template)
    if problems:
        raise DefinitionInvalid(problems)
    return Definition(template, name, states, intake)


def _org_fields(
    doc: Mapping[str, Any], problems: list[Problem]
) -> tuple[str, tuple[str, ...], dict[str, Any] | None]:
    name = doc.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 120:
        problems.append(_problem("name", "a name of 1 to 120 characters is required"))
        name = ""
    states = doc.get("states", [])
    if not isinstance(states, list) or not all(isinstance(s, str) for s in states):
        problems.append(_problem("states", "a list of two-letter state codes"))
        states = []
    problems += [
        _problem(f"states[{i}]", f"'{s}' is not a US state code")
        for i, s in enumerate(states)
        if s not in US_STATES
    ]
    if len(set(states)) != len(states):
        problems.append(_problem("states", "a state appears twice"))
    intake = doc.get("intake")
    if intake is not None and not isinstance(intake, dict):
        problems.append(_problem("intake", "intake questions are a JSON object (or absent)"))
        intake = None
    return name, tuple(states), intake


def template_problems(template: WorkflowTemplate) -> list[Problem]:
    """What `workflows.validate` (the built-ins' validator) refuses, each with a path."""
    try:
        workflows.validate(template)
    except TemplateError as exc:
        return [_problem(_path_of(message, template), message) for message in exc.problems]
    return []


_SUBJECT = re.compile(r"^(stage|task|document|key date) '([^']+)'")
_LISTS = {"stage": "stages", "task": "tasks", "document": "documents", "key date": "key_dates"}


def _path_of(message: str, template: WorkflowTemplate) -> str:
    """The path a validator message is about: the item it names, else the list it concerns."""
    match = _SUBJECT.match(message)
    if match:
        kind, key = match.groups()
        field = _LISTS[kind]
        keys = [getattr(item, "name" if kind == "key date" else "key") for item in getattr(template, field)]
        return f"{field}[{keys.index(key)}]" if key in keys else field
    for word, field in (("task", "tasks"), ("key date", "key_dates"), ("stage", "stages")):
        if word in message:
            return field
    if "change request" in message or message.startswith("type "):
        return "change_requests"
    return "$"


def _problem(path: str, message: str) -> Problem:
    return {"path": path, "message": message}


def _loc(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "$"


@functools.cache
def _adapter() -> TypeAdapter[WorkflowTemplate]:
    """Unknown fields refused, strict types, bounded strings — in every nested part of the template."""
    from pydantic import ConfigDict, TypeAdapter

    from chalicelib.domain import change_request_types as crt

    config = ConfigDict(extra="forbid", strict=True, str_max_length=2000)
    for part in (
        workflows.WorkflowTemplate,
        workflows.Stage,
        workflows.KeyDate,
        workflows.TaskTemplate,
        workflows.DocumentTemplate,
        workflows.DueRule,
        crt.ChangeRequestType,
        crt.FieldSpec,
        crt.Approvals,
        crt.Effect,
    ):
        setattr(part, "__pydantic_config__", config)  # noqa: B010 - pydantic reads it off the dataclass
    return TypeAdapter(WorkflowTemplate)


# -- governance -----------------------------------------------------------------------------------------


def locked_problems(parent: WorkflowTemplate, child: WorkflowTemplate) -> list[Problem]:
    """A derived template keeps every `locked` stage, task and document of its parent, still locked, and a
    locked document stays required."""
    problems: list[Problem] = []
    for field, noun in (("stages", "stage"), ("tasks", "task"), ("documents", "document")):
        mine = {item.key: (i, item) for i, item in enumerate(getattr(child, field))}
        for item in getattr(parent, field):
            if not item.locked:
                continue
            found = mine.get(item.key)
            if found is None:
                problems.append(_problem(field, f"locked {noun} '{item.key}' cannot be removed"))
                continue
            index, kept = found
            if not kept.locked:
                problems.append(_problem(f"{field}[{index}].locked", f"{noun} '{item.key}' must stay locked"))
            if noun == "document" and not kept.required:
                problems.append(
                    _problem(f"{field}[{index}].required", f"locked document '{item.key}' cannot be optional")
                )
    return problems


# -- diff ----------------------------------------------------------------------------------------------


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What changed from one definition to another, as JSON Patch operations (RFC 6902)."""
    import jsonpatch

    operations: list[dict[str, Any]] = jsonpatch.make_patch(dict(before), dict(after)).patch
    return operations


def bounded(operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first operations of a diff that fit an audit event (MAX_DIFF_OPERATIONS, MAX_DIFF_BYTES)."""
    kept: list[dict[str, Any]] = []
    size = 0
    for op in operations[:MAX_DIFF_OPERATIONS]:
        size += len(json.dumps(op, default=str))
        if size > MAX_DIFF_BYTES:
            break
        kept.append(op)
    return kept
