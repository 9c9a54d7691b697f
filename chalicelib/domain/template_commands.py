"""Request models of org-owned templates (docs/TEMPLATES.md). A definition itself is read by
`domain/template_definitions.py` (every problem at once, with its path), so here it is a bounded object."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from chalicelib.domain.commands import Id, Name, Strict

# A template is named by a built-in workflow ("purchase") or an org template id ("tp_...").
TemplateRef = Annotated[str, StringConstraints(pattern=r"^([a-z][a-z_]{0,39}|tp_[a-z0-9]{26})$")]
StateCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Version = Annotated[int, Field(ge=1, le=999_999)]
MAX_FILE_CHARS = 60_000  # an imported file (JSON or YAML text), within the API's 64 KiB body limit


class NewTemplate(Strict):
    """POST /v1/admin/templates: a draft cloned from a built-in or from one of the org's templates."""

    from_template: TemplateRef
    from_version: Version | None = None  # an org template's published version (default: its latest)
    name: Name
    states: Annotated[list[StateCode], Field(max_length=60)] = []
    org_id: Id | None = None


class TemplateDraftIn(Strict):
    """PUT /v1/admin/templates/{id}/draft: the whole definition (If-Match: the draft's version)."""

    definition: Annotated[dict[str, Any], Field(max_length=40)]


class TemplateFileIn(Strict):
    """POST /v1/admin/templates/{id}/import: a file exported before, as text, replacing the draft."""

    format: Literal["json", "yaml"]
    content: Annotated[str, StringConstraints(min_length=2, max_length=MAX_FILE_CHARS)]


class TemplateMigrationIn(Strict):
    """POST /v1/deals/{id}/template-migration: move an open deal to another version of its template."""

    version: Version
    template_id: TemplateRef | None = None  # default: the deal's own template
    dry_run: bool = True
