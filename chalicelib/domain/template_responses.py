"""What the template routes answer (docs/TEMPLATES.md): closed shapes, registered in api/openapi.py."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class TemplateSummary(TypedDict):
    """A template in the list: a built-in (`builtin: true`, id = its workflow) or one of the org's."""

    id: str
    builtin: bool
    workflow: str
    name: str
    states: list[str]
    latest_version: int  # 0: an org template never published
    org_id: NotRequired[str]  # the org that owns it (a built-in has none)
    derived_from: NotRequired[str]
    derived_from_version: NotRequired[int]
    draft_version: NotRequired[int]  # the draft's version, for If-Match
    updated_at: NotRequired[str]


class TemplateList(TypedDict):
    items: list[TemplateSummary]
    next_cursor: str | None


class ProblemOut(TypedDict):
    path: str  # where, as a path into the definition ("tasks[3].stage")
    message: str


class TemplateDraft(TypedDict):
    """A template with its draft's whole definition (a built-in shows its latest version, read-only)."""

    template: TemplateSummary
    definition: dict[str, Any]


class TemplateValidation(TypedDict):
    valid: bool
    problems: list[ProblemOut]


class TemplateVersionOut(TypedDict):
    template_id: str
    version: int
    name: str
    states: list[str]
    published_at: str | None  # None for a built-in (code, not published data)
    published_by: str | None


class TemplateVersionDetail(TypedDict):
    version: TemplateVersionOut
    definition: dict[str, Any]


class TemplateVersionList(TypedDict):
    items: list[TemplateVersionOut]
    next_cursor: str | None


class TemplateDiff(TypedDict):
    """What changed from `from` to `to`, as JSON Patch operations (RFC 6902)."""

    template_id: str
    from_version: int
    to_version: int | str  # a version, or "draft"
    operations: list[dict[str, Any]]


class TemplateFile(TypedDict):
    format: str  # json | yaml
    file_name: str
    content: str


class MigrationItem(TypedDict):
    kind: str  # task | document
    key: str
    title: str
    id: str
    due_at: NotRequired[str | None]
    from_due_at: NotRequired[str | None]


class TemplateMigration(TypedDict):
    """What moving the deal does (dry run) or did: done items never change."""

    deal_id: str
    dry_run: bool
    from_template: dict[str, Any]  # {"template_id", "version"}
    to_template: dict[str, Any]
    added: list[MigrationItem]
    redated: list[MigrationItem]
    cancelled: list[MigrationItem]
    key_dates_added: dict[str, str]
