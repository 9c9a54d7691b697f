"""Org-owned workflow templates (docs/TEMPLATES.md): the admin panel's template editor, files, and moving a
deal to another version. Rarely used: each view loads its service on first use (cold start)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import expected_version, query_param, route
from chalicelib.clock import iso
from chalicelib.domain.errors import Invalid
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import template_responses as out
    from chalicelib.domain.access import Caller
    from chalicelib.domain.org_templates import OrgTemplate, TemplateVersion
    from chalicelib.domain.template_commands import (
        NewTemplate,
        TemplateDraftIn,
        TemplateFileIn,
        TemplateMigrationIn,
    )
    from chalicelib.services.template_migration import Moved
    from chalicelib.services.templates import Found
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    out = LazyModule("chalicelib.domain.template_responses")

templates = Blueprint(__name__)

ALL = "/v1/admin/templates"
ONE = "/v1/admin/templates/{template_id}"
_VERSION = re.compile(r"[1-9][0-9]{0,5}")


def _version_param(request: Request, name: str, *, default: int | str | None) -> int | str:
    value = query_param(request, name)
    if value is None:
        if default is None:
            raise Invalid(f"say which version with {name}=", code="invalid_version")
        return default
    if value == "draft":
        return value
    if not _VERSION.fullmatch(value):
        raise Invalid(f"{name} is a version number or 'draft'", code="invalid_version")
    return int(value)


def _summary(t: OrgTemplate) -> out.TemplateSummary:
    return {
        "id": t.template_id,
        "builtin": False,
        "workflow": t.workflow,
        "name": t.name,
        "states": list(t.states),
        "latest_version": t.published_version,
        "org_id": t.org_id,
        "derived_from": t.derived_from,
        "derived_from_version": t.derived_from_version,
        "draft_version": t.version,
        "updated_at": iso(t.updated_at),
    }


def _found(found: Found) -> out.TemplateDraft:
    if found.draft is not None:
        return {"template": _summary(found.draft), "definition": found.document}
    assert found.builtin is not None
    summary: out.TemplateSummary = {
        "id": found.template_id,
        "builtin": True,
        "workflow": found.builtin.workflow,
        "name": found.builtin.title,
        "states": [],
        "latest_version": found.builtin.version,
    }
    return {"template": summary, "definition": found.document}


def _version_view(v: TemplateVersion) -> out.TemplateVersionOut:
    return {
        "template_id": v.template_id,
        "version": v.version,
        "name": v.name,
        "states": list(v.states),
        "published_at": iso(v.published_at),
        "published_by": v.published_by,
    }


@route(templates, ALL, "GET", summary="The workflow templates: the built-ins and the org's own")
def list_templates(caller: Caller, request: Request) -> out.TemplateList:
    from chalicelib.domain import workflows
    from chalicelib.services import templates as service

    _, own = service.list_templates(caller, query_param(request, "org_id"))
    builtins: list[out.TemplateSummary] = [
        {
            "id": t.workflow,
            "builtin": True,
            "workflow": t.workflow,
            "name": t.title,
            "states": [],
            "latest_version": t.version,
        }
        for t in (workflows.latest(name) for name in workflows.registry().workflows())
    ]
    return {"items": builtins + [_summary(t) for t in own], "next_cursor": None}


@route(templates, ALL, "POST", summary="Clone a template into a new draft", body="NewTemplate", status=201)
def create_template(caller: Caller, body: NewTemplate) -> out.TemplateDraft:
    from chalicelib.services import templates as service

    draft, document = service.create(
        caller,
        from_template=body.from_template,
        from_version=body.from_version,
        name=body.name,
        states=list(body.states),
        org_id=body.org_id,
    )
    return {"template": _summary(draft), "definition": document}


@route(templates, ONE, "GET", summary="A template and its draft's whole definition")
def get_template(caller: Caller, request: Request, template_id: str) -> out.TemplateDraft:
    from chalicelib.services import templates as service

    return _found(service.find(caller, template_id, query_param(request, "org_id")))


@route(
    templates,
    ONE + "/draft",
    "PUT",
    summary="Replace the draft's definition (If-Match)",
    body="TemplateDraftIn",
)
def put_draft(caller: Caller, request: Request, template_id: str, body: TemplateDraftIn) -> out.TemplateDraft:
    from chalicelib.services import templates as service

    draft, document = service.replace_draft(
        caller, template_id, query_param(request, "org_id"), dict(body.definition), expected_version(request)
    )
    return {"template": _summary(draft), "definition": document}


@route(templates, ONE + "/validate", "POST", summary="Every problem of the draft, each with its path")
def validate_draft(caller: Caller, request: Request, template_id: str) -> out.TemplateValidation:
    from chalicelib.services import templates as service

    found, draft = service.editable(caller, template_id, query_param(request, "org_id"))
    problems = service.problems_of(found.org_id, draft, found.document)
    return {
        "valid": not problems,
        "problems": [{"path": p["path"], "message": p["message"]} for p in problems],
    }


@route(
    templates,
    ONE + "/publish",
    "POST",
    summary="Publish the draft as a new immutable version (admins)",
    status=201,
)
def publish(caller: Caller, request: Request, template_id: str) -> out.TemplateVersionOut:
    from chalicelib.services import templates as service

    if_match = expected_version(request) if request.headers.get("if-match") is not None else None
    return _version_view(service.publish(caller, template_id, query_param(request, "org_id"), if_match))


@route(templates, ONE + "/versions", "GET", summary="A template's published versions, oldest first")
def list_versions(caller: Caller, request: Request, template_id: str) -> out.TemplateVersionList:
    from chalicelib.services import templates as service

    found = service.find(caller, template_id, query_param(request, "org_id"))
    if found.builtin is not None:  # a built-in's versions are code: one, with no publication record
        only: out.TemplateVersionOut = {
            "template_id": template_id,
            "version": found.builtin.version,
            "name": found.builtin.title,
            "states": [],
            "published_at": None,
            "published_by": None,
        }
        return {"items": [only], "next_cursor": None}
    versions = service.versions(found)
    return {"items": [_version_view(v) for v in versions], "next_cursor": None}


@route(templates, ONE + "/versions/{version}", "GET", summary="One published version's definition")
def get_version(
    caller: Caller, request: Request, template_id: str, version: str
) -> out.TemplateVersionDetail:
    from chalicelib.services import templates as service

    found = service.find(caller, template_id, query_param(request, "org_id"))
    if not _VERSION.fullmatch(version):
        raise Invalid("a version is a number", code="invalid_version")
    document = service.definition_at(found, int(version))
    view: out.TemplateVersionOut = {
        "template_id": template_id,
        "version": int(version),
        "name": str(document.get("name", "")),
        "states": list(document.get("states", [])),
        "published_at": None,
        "published_by": None,
    }
    if found.draft is not None:
        view = _version_view(service.stored_version(found, int(version)))
    return {"version": view, "definition": document}


@route(templates, ONE + "/diff", "GET", summary="What changed between two versions (JSON Patch, RFC 6902)")
def diff(caller: Caller, request: Request, template_id: str) -> out.TemplateDiff:
    from chalicelib.services import templates as service

    found = service.find(caller, template_id, query_param(request, "org_id"))
    before = _version_param(request, "from", default=None)
    after = _version_param(request, "to", default="draft")
    operations = service.diff(found, before, after)
    return {
        "template_id": template_id,
        "from_version": before if isinstance(before, int) else 0,
        "to_version": after,
        "operations": operations,
    }


@route(templates, ONE + "/export", "GET", summary="A version (or the draft) as a JSON or YAML file")
def export(caller: Caller, request: Request, template_id: str) -> out.TemplateFile:
    from chalicelib.services import template_files

    fmt = query_param(request, "format") or "json"
    if fmt not in ("json", "yaml"):
        raise Invalid("format is json or yaml", code="invalid_format")
    version = _version_param(request, "version", default="draft")
    name, content = template_files.export(caller, template_id, query_param(request, "org_id"), version, fmt)
    return {"format": fmt, "file_name": name, "content": content}


@route(
    templates,
    ONE + "/import",
    "POST",
    summary="Replace the draft with a JSON or YAML file (If-Match)",
    body="TemplateFileIn",
)
def import_file(
    caller: Caller, request: Request, template_id: str, body: TemplateFileIn
) -> out.TemplateDraft:
    from chalicelib.services import template_files

    draft, document = template_files.import_file(
        caller,
        template_id,
        query_param(request, "org_id"),
        body.format,
        body.content,
        expected_version(request),
    )
    return {"template": _summary(draft), "definition": document}


@route(
    templates,
    "/v1/deals/{deal_id}/template-migration",
    "POST",
    summary="Move an open deal to another version of its template: a dry run, or for real",
    body="TemplateMigrationIn",
)
def migrate_deal(caller: Caller, deal_id: str, body: TemplateMigrationIn) -> out.TemplateMigration:
    from chalicelib.services import template_migration

    return _migration(template_migration.migrate(caller, deal_id, body), body.dry_run)


def _migration(moved: Moved, dry_run: bool) -> out.TemplateMigration:
    m = moved.migration

    def item(kind: str, key: str | None, title: str, id_: str, due: Any = None) -> out.MigrationItem:
        return {
            "kind": kind,
            "key": key or "",
            "title": title,
            "id": id_,
            "due_at": iso(due) if due else None,
        }

    def moved_from(row: out.MigrationItem, was: Any) -> out.MigrationItem:
        row["from_due_at"] = iso(was) if was else None
        return row

    added = [item("task", t.template_key, t.title, t.task_id, t.due_at) for t in m.added_tasks] + [
        item("document", r.template_key, r.label, r.request_id, r.due_at) for r in m.added_requests
    ]
    redated = [
        moved_from(item("task", a.template_key, a.title, a.task_id, a.due_at), b.due_at)
        for b, a in m.redated_tasks
    ] + [
        moved_from(item("document", a.template_key, a.label, a.request_id, a.due_at), b.due_at)
        for b, a in m.redated_requests
    ]
    cancelled = [item("task", b.template_key, b.title, b.task_id) for b, _ in m.cancelled_tasks] + [
        item("document", b.template_key, b.label, b.request_id) for b, _ in m.cancelled_requests
    ]
    return {
        "deal_id": moved.deal.deal_id,
        "dry_run": dry_run,
        "from_template": {"template_id": moved.before[0] or moved.deal.workflow, "version": moved.before[1]},
        "to_template": {"template_id": moved.after[0] or moved.deal.workflow, "version": moved.after[1]},
        "added": added,
        "redated": redated,
        "cancelled": cancelled,
        "key_dates_added": {k: v.isoformat() for k, v in m.key_dates_added.items()},
    }
