"""Change request types, as template data: what may be asked for on a deal of a workflow, by whom, who
must approve it, how fast, who sees it, and what approving it changes (docs/CHANGE_REQUESTS.md).

Each type declares its fields as data (`FieldSpec`); `fields_model()` turns them into a pydantic model on
first use, which both validates a submission and produces the JSON Schema the types route hands out, so
the schema a portal reads is the one the API enforces. Pydantic loads only then, never at cold start.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from chalicelib.domain.roles import PartyRole, Visibility

if TYPE_CHECKING:
    from pydantic import BaseModel


class Mode(StrEnum):
    ALL_OF = "all_of"  # one approval from each role
    ANY_OF = "any_of"  # one approval from any of the roles
    IN_ORDER = "in_order"  # one approval from each role, in the order given


class EffectKind(StrEnum):
    NONE = "none"  # approval is the outcome (status `approved`)
    MOVE_KEY_DATE = "move_key_date"  # field `new_date`; re-dates what derives from the key date
    SET_PRICE = "set_price"  # field `price`
    PARTY_CHANGE = "party_change"  # fields `action` (add/remove), `email`, `role`, `name`?
    ADD_PARTY = "add_party"  # fields `email`, `name`?; the role is the effect's
    REQUEST_DOCUMENT = "request_document"  # a document request for the signed paper (or `document_type`)
    ADD_TASK = "add_task"  # a task for the effect's role, titled from `description`


# Roles an approver or submitter is named by: party roles, plus "admin" (an admin of the deal's org).
# "client" covers co-clients; "coordinator" is a coordinator party or an admin/coordinator of the org.
STAFF_ONLY_ROLES = frozenset({"admin"})
ROLE_NAMES = frozenset({r.value for r in PartyRole} | STAFF_ONLY_ROLES)
FIELD_KINDS = frozenset({"date", "money", "text", "email", "choice", "document_type"})
EFFECT_FIELDS: dict[EffectKind, tuple[str, ...]] = {
    EffectKind.NONE: (),
    EffectKind.MOVE_KEY_DATE: ("new_date",),
    EffectKind.SET_PRICE: ("price",),
    EffectKind.PARTY_CHANGE: ("action", "email", "role"),
    EffectKind.ADD_PARTY: ("email",),
    EffectKind.REQUEST_DOCUMENT: (),
    EffectKind.ADD_TASK: ("description",),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # date | money (whole dollars) | text | email | choice | document_type (of the template)
    label: str
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Approvals:
    mode: Mode
    roles: tuple[str, ...]
    # (field, amount, role): when the field's value is above the amount, the role must approve too
    # (maintenance: a vendor quote above the threshold needs the owner's approval)
    above: tuple[str, int, str] | None = None

    def required_roles(self, fields: dict[str, Any], threshold: int | None = None) -> tuple[str, ...]:
        """The roles that must approve; `threshold` is the org's own amount for `above`, if it set one."""
        roles = self.roles
        if self.above is not None:
            name, default, role = self.above
            amount = default if threshold is None else threshold
            value = fields.get(name)
            if isinstance(value, int) and value > amount and role not in roles:
                roles = (*roles, role)
        return roles

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode.value, "roles": list(self.roles)}
        if self.above is not None:
            out["above"] = {"field": self.above[0], "amount": self.above[1], "role": self.above[2]}
        return out


@dataclass(frozen=True)
class Effect:
    kind: EffectKind = EffectKind.NONE
    key_date: str | None = None  # move_key_date
    document: str | None = None  # request_document: a document of the template (else `document_type`)
    role: str | None = None  # add_party: the new party's role; add_task: the owner role
    label: str | None = None  # request_document / add_task: what the new item is called
    due_days: int = 3  # request_document / add_task: due this many days after approval

    def describe(self) -> str:
        if self.kind is EffectKind.MOVE_KEY_DATE:
            return f"moves the {self.key_date} date"
        if self.kind is EffectKind.SET_PRICE:
            return "sets the price"
        if self.kind is EffectKind.PARTY_CHANGE:
            return "adds or removes a party"
        if self.kind is EffectKind.ADD_PARTY:
            return f"adds a {self.role}"
        if self.kind is EffectKind.REQUEST_DOCUMENT:
            return f"requests {self.label or 'the updated document'}"
        if self.kind is EffectKind.ADD_TASK:
            return f"adds a task for the {self.role}"
        return "nothing to apply: approval is the outcome"


@dataclass(frozen=True)
class ChangeRequestType:
    key: str
    label: str
    fields: tuple[FieldSpec, ...]
    submitters: tuple[str, ...]
    approvals: Approvals
    sla_hours: int
    effect: Effect = Effect()
    visibility: Visibility = Visibility.PARTIES  # restricted: staff, the submitter and the approvers
    blocks_leaving: tuple[str, ...] = ()  # stages an open request of this type keeps the deal in
    description: str = ""


def problems(
    types: Iterable[ChangeRequestType],
    *,
    stages: set[str],
    key_dates: set[str],
    documents: set[str],
) -> list[str]:
    """What makes a template's change request types unusable (workflows.validate reports them)."""
    found: list[str] = []
    seen: set[str] = set()
    for t in types:
        where = f"change request '{t.key}'"
        if t.key in seen:
            found.append(f"duplicate {where}")
        seen.add(t.key)
        names = [f.name for f in t.fields]
        found += [f"{where} repeats field '{n}'" for n in sorted({n for n in names if names.count(n) > 1})]
        found += [
            f"{where} has field '{f.name}' of unknown kind '{f.kind}'"
            for f in t.fields
            if f.kind not in FIELD_KINDS
        ]
        found += [f"{where} names unknown role '{r}'" for r in _roles_of(t) if r not in ROLE_NAMES]
        if not t.approvals.roles:
            found.append(f"{where} names no approver")
        if t.sla_hours <= 0:
            found.append(f"{where} needs a positive SLA")
        found += [f"{where} blocks unknown stage '{s}'" for s in t.blocks_leaving if s not in stages]
        found += [
            f"{where} needs field '{n}' for its effect"
            for n in EFFECT_FIELDS[t.effect.kind]
            if n not in names
        ]
        if t.effect.kind is EffectKind.MOVE_KEY_DATE and t.effect.key_date not in key_dates:
            found.append(f"{where} moves undefined key date '{t.effect.key_date}'")
        if t.effect.document is not None and t.effect.document not in documents:
            found.append(f"{where} requests unknown document '{t.effect.document}'")
        if t.effect.kind in (EffectKind.ADD_PARTY, EffectKind.ADD_TASK) and t.effect.role not in ROLE_NAMES:
            found.append(f"{where} needs a role for its effect")
    return found


def _roles_of(t: ChangeRequestType) -> list[str]:
    roles = [*t.submitters, *t.approvals.roles]
    if t.approvals.above is not None:
        roles.append(t.approvals.above[2])
    return roles


# -- the fields' model and schema (pydantic, on first use) -------------------------------------------


@functools.cache
def fields_model(t: ChangeRequestType, document_types: tuple[str, ...] = ()) -> type[BaseModel]:
    """A strict pydantic model of the type's fields: unknown fields refused, bounded strings."""
    from typing import Annotated, Literal

    from pydantic import ConfigDict, Field, create_model

    from chalicelib.domain.commands import Email, KeyDate, Name

    text = Annotated[str, Field(min_length=1, max_length=2000)]
    money = Annotated[int, Field(ge=1, le=1_000_000_000)]
    definitions: dict[str, Any] = {}
    for spec in t.fields:
        kind: Any = {"date": KeyDate, "money": money, "text": text, "email": Email}.get(spec.kind)
        if spec.kind == "choice":
            kind = Literal[spec.choices]
        if spec.kind == "document_type":
            kind = Literal[document_types]
        if spec.name == "name":
            kind = Name
        annotated = Annotated[kind, Field(title=spec.label)]
        definitions[spec.name] = (annotated, ...) if spec.required else (annotated | None, None)
    config = ConfigDict(extra="forbid", strict=True, frozen=True)  # validated from JSON: dates as text
    return create_model(f"{t.key}_fields", __config__=config, **definitions)


def json_schema(t: ChangeRequestType, document_types: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = fields_model(t, document_types).model_json_schema()
    schema["title"] = t.label
    return schema
