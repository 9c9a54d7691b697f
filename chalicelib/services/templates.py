"""Org-owned templates (docs/TEMPLATES.md): list, clone, edit the draft, validate, publish, versions, diff.

Admins and coordinators of the org edit drafts; only admins publish (403 otherwise); anyone outside the
org is told the template does not exist (404). Every draft change and publication is one transaction
with its audit event, which carries the diff (bounded: domain/template_definitions.py)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain import template_definitions as defs
from chalicelib.domain import workflows
from chalicelib.domain.access import Caller, require_admin
from chalicelib.domain.errors import Conflict, Invalid, NotFound, PreconditionFailed
from chalicelib.domain.events import EventType
from chalicelib.domain.org_templates import OrgTemplate, TemplateVersion
from chalicelib.domain.template_definitions import Problem
from chalicelib.services.activity import org_event
from chalicelib.services.pipeline import ops_org
from chalicelib.store import orgs as org_store
from chalicelib.store import templates as store
from chalicelib.store.models import OrgItem
from chalicelib.store.unit_of_work import UnitOfWork


def _not_found() -> NotFound:
    return NotFound("no such template", code="template_not_found")


def builtin(template_id: str) -> workflows.WorkflowTemplate | None:
    """A built-in is named by its workflow; it starts a clone with its compliance items locked."""
    if template_id not in workflows.registry().workflows():
        return None
    return defs.with_builtin_locks(workflows.latest(template_id))


def builtin_document(template: workflows.WorkflowTemplate) -> dict[str, Any]:
    return defs.document_of(defs.Definition(template, template.title))


@dataclass
class Found:
    """A template the caller reaches: an org template (with its draft) or a built-in."""

    org_id: str
    template_id: str
    draft: OrgTemplate | None
    document: dict[str, Any]
    builtin: workflows.WorkflowTemplate | None = None


_TEMPLATE_ID = re.compile(r"^tp_[a-z0-9]{26}$")
_STATE = re.compile(r"^[A-Z]{2}$")


def find(caller: Caller, template_id: str, org_id: str | None) -> Found:
    org = ops_org(caller, org_id)
    base = builtin(template_id)
    if base is None and not _TEMPLATE_ID.match(template_id):
        raise _not_found()  # not an id this API hands out: never a key to look up
    if base is not None:
        return Found(org, template_id, None, builtin_document(base), base)
    draft = store.get_draft(org, template_id)
    if draft is None:
        raise _not_found()
    return Found(org, template_id, draft, store.load_definition(draft))


def editable(caller: Caller, template_id: str, org_id: str | None) -> tuple[Found, OrgTemplate]:
    found = find(caller, template_id, org_id)
    if found.draft is None:
        raise Conflict("a built-in template is read-only: clone it to change it", code="read_only_template")
    return found, found.draft


def list_templates(caller: Caller, org_id: str | None) -> tuple[str, list[OrgTemplate]]:
    org = ops_org(caller, org_id)
    return org, sorted(store.list_templates(org), key=lambda t: (t.workflow, t.name, t.template_id))


# -- the parent a draft derives from, and what it must keep ------------------------------------------


def _parent(org_id: str, draft: OrgTemplate) -> workflows.WorkflowTemplate | None:
    base = builtin(draft.derived_from)
    if base is not None:
        return base
    if draft.derived_from_version == 0:
        return None
    return store.published(org_id, draft.derived_from, draft.derived_from_version)


def problems_of(org_id: str, draft: OrgTemplate, document: dict[str, Any]) -> list[Problem]:
    """Every problem of a definition: its shape, the validator the built-ins pass, and the locked items
    of the template it derives from."""
    try:
        parsed = defs.parse(document, workflow=draft.workflow, version=draft.published_version + 1)
    except defs.DefinitionInvalid as exc:
        problems = list(exc.problems)
        parsed = None
    else:
        problems = []
    parent = _parent(org_id, draft)
    if parent is not None and parsed is not None:
        problems += defs.locked_problems(parent, parsed.template)
    return problems


def _refuse(problems: list[Problem]) -> None:
    if problems:
        raise Invalid(
            f"the template has {len(problems)} problem(s)", code="invalid_template", details=problems
        )


# -- writes -------------------------------------------------------------------------------------------


def create(
    caller: Caller,
    *,
    from_template: str,
    from_version: int | None,
    name: str,
    states: list[str],
    org_id: str | None,
) -> tuple[OrgTemplate, dict[str, Any]]:
    """A new draft, a copy of a built-in or of a published version of one of the org's templates."""
    org = ops_org(caller, org_id)
    base = builtin(from_template)
    if base is not None:
        source, version = base, 0
    else:
        parent = store.get_draft(org, from_template)
        if parent is None or parent.published_version == 0:
            raise _not_found()
        version = from_version or parent.published_version
        source = store.published(org, from_template, version)
    document = defs.document_of(defs.Definition(source, name, tuple(states)))
    now = clock.now()
    template_id = ids.new_id("tp")
    draft = OrgTemplate(
        org_id=org,
        template_id=template_id,
        workflow=source.workflow,
        name=name,
        derived_from=from_template,
        derived_from_version=version,
        created_at=now,
        created_by=caller.user_id,
        updated_at=now,
        updated_by=caller.user_id,
        states=list(states),
        **store.store_definition(org, template_id, "draft-1", document),
    )
    uow = UnitOfWork()
    store.add_draft(uow, draft)
    uow.record(
        _audit(
            org, caller, EventType.TEMPLATE_DRAFT_CHANGED, f"Created template {name}", draft, 1, {}, document
        )
    )
    uow.commit()
    return draft, document


def replace_draft(
    caller: Caller, template_id: str, org_id: str | None, document: dict[str, Any], if_match: int
) -> tuple[OrgTemplate, dict[str, Any]]:
    """PUT the whole definition. A draft may be work in progress: `validate` and `publish` judge it."""
    found, draft = editable(caller, template_id, org_id)
    if if_match != draft.version:
        raise PreconditionFailed("the draft changed since you loaded it; reload it and try again")
    document = {k: v for k, v in document.items() if k != "format"}
    name, states = _header(document, draft)
    now = clock.now()
    stored = store.store_definition(found.org_id, template_id, f"draft-{draft.version + 1}", document)
    changes = {"name": name, "states": states, "updated_at": now, "updated_by": caller.user_id, **stored}
    uow = UnitOfWork()
    store.change_draft(uow, draft, changes)
    uow.record(
        _audit(
            found.org_id,
            caller,
            EventType.TEMPLATE_DRAFT_CHANGED,
            f"Changed the draft of {draft.name}",
            draft,
            draft.version + 1,
            found.document,
            document,
        )
    )
    uow.commit()
    return dataclasses.replace(draft, version=draft.version + 1, **changes), document


def _header(document: dict[str, Any], draft: OrgTemplate) -> tuple[str, list[str]]:
    """The name and states a work-in-progress draft shows in lists (its own while they are readable)."""
    name = document.get("name")
    states = document.get("states")
    readable = isinstance(states, list) and all(isinstance(x, str) and _STATE.match(x) for x in states)
    return (
        name.strip()[:120] if isinstance(name, str) and name.strip() else draft.name,
        list(states) if readable and isinstance(states, list) else draft.states,
    )


def publish(caller: Caller, template_id: str, org_id: str | None, if_match: int | None) -> TemplateVersion:
    """A new immutable version from the draft (admins only), refused while the draft has a problem. The
    states it serves become the org's default for new deals of its workflow there."""
    found, draft = editable(caller, template_id, org_id)
    require_admin(caller, found.org_id)
    if if_match is not None and if_match != draft.version:
        raise PreconditionFailed("the draft changed since you loaded it; reload it and try again")
    _refuse(problems_of(found.org_id, draft, found.document))
    parsed = defs.parse(found.document, workflow=draft.workflow, version=draft.published_version + 1)
    number = draft.published_version + 1
    org = org_store.get_org(found.org_id)
    if org is None:
        raise _not_found()
    defaults = _state_defaults(org.template_defaults, draft, parsed.states, number)
    previous = (
        store.load_definition(_version(found.org_id, template_id, draft.published_version))
        if draft.published_version
        else {}
    )
    now = clock.now()
    version = TemplateVersion(
        org_id=found.org_id,
        template_id=template_id,
        version=number,
        workflow=draft.workflow,
        name=parsed.name,
        published_at=now,
        published_by=caller.user_id,
        states=list(parsed.states),
        **store.store_definition(found.org_id, template_id, f"v{number}", found.document),
    )
    uow = UnitOfWork()
    store.add_version(uow, version)
    store.change_draft(uow, draft, {"published_version": number})
    if defaults != org.template_defaults:
        uow.update(
            OrgItem.from_entity(org),
            {"template_defaults": defaults or None},
            condition=_defaults_unchanged(org.template_defaults),
            on_fail=Conflict("another template was published meanwhile; retry", code="already_published"),
        )
    event = _audit(
        found.org_id,
        caller,
        EventType.TEMPLATE_PUBLISHED,
        f"Published {parsed.name} version {number}",
        draft,
        number,
        previous,
        found.document,
    )
    event.data.update({"version": number, "states": list(parsed.states)})
    uow.record(event)
    uow.commit()
    workflows.ORG_TEMPLATE_CACHE[(template_id, number)] = parsed.template
    return version


def _defaults_unchanged(before: dict[str, str]) -> Any:
    if not before:
        # an org written before (or without) defaults holds no map, or an empty one
        return OrgItem.template_defaults.does_not_exist() | (OrgItem.template_defaults == {})
    return OrgItem.template_defaults == before


def _state_defaults(
    current: dict[str, str], draft: OrgTemplate, states: tuple[str, ...], number: int
) -> dict[str, str]:
    """`{workflow}#{state}` → `{template_id}#{version}`; a state another template serves is refused."""
    mine = {k: v for k, v in current.items() if not v.startswith(f"{draft.template_id}#")}
    taken = sorted(s for s in states if f"{draft.workflow}#{s}" in mine)
    if taken:
        raise Conflict(
            f"another {draft.workflow} template already serves {', '.join(taken)}",
            code="state_served_by_another_template",
            details={
                "states": taken,
                "templates": [mine[f"{draft.workflow}#{s}"].split("#")[0] for s in taken],
            },
        )
    mine.update({f"{draft.workflow}#{s}": f"{draft.template_id}#{number}" for s in states})
    return mine


def _audit(
    org_id: str,
    caller: Caller,
    type: EventType,
    summary: str,
    draft: OrgTemplate,
    number: int,
    before: dict[str, Any],
    after: dict[str, Any],
) -> Any:
    operations = defs.diff(before, after)
    data: dict[str, Any] = {
        "template_id": draft.template_id,
        "diff": defs.bounded(operations),
        "diff_operations": len(operations),
    }
    if type is EventType.TEMPLATE_DRAFT_CHANGED:
        data["draft_version"] = number
    else:
        data.update({"version": number, "states": []})
    return org_event(org_id, caller.actor, type, summary, data=data)


# -- reads --------------------------------------------------------------------------------------------


def _version(org_id: str, template_id: str, number: int) -> TemplateVersion:
    found = store.get_version(org_id, template_id, number)
    if found is None:
        raise NotFound("no such template version", code="template_not_found")
    return found


def versions(found: Found) -> list[TemplateVersion]:
    """An org template's published versions, oldest first (a built-in has no publication records)."""
    if found.builtin is not None:
        return []
    return store.list_versions(found.org_id, found.template_id)


def definition_at(found: Found, version: int | str) -> dict[str, Any]:
    """A version's definition ("draft": the draft's); a built-in has only its own latest version."""
    if found.builtin is not None:
        if version not in ("draft", found.builtin.version):
            raise NotFound("no such template version", code="template_not_found")
        return found.document
    if version == "draft":
        return found.document
    assert isinstance(version, int)
    return store.load_definition(_version(found.org_id, found.template_id, version))


def diff(found: Found, from_version: int | str, to_version: int | str) -> list[dict[str, Any]]:
    return defs.diff(definition_at(found, from_version), definition_at(found, to_version))


def stored_version(found: Found, number: int) -> TemplateVersion:
    return _version(found.org_id, found.template_id, number)
