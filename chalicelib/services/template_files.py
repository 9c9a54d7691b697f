"""Templates as files (docs/TEMPLATES.md): export a version or the draft as JSON or YAML, import a file
into the draft. An import is validated as a publication would be, and refused with every problem.

YAML is read with PyYAML's `safe_load` (no Python objects) after a scan of its events refuses anchors and
aliases (the "billion laughs" expansion), on a body already bounded by the request model."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain import template_definitions as defs
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import Invalid
from chalicelib.domain.org_templates import OrgTemplate
from chalicelib.services import templates


def export(
    caller: Caller, template_id: str, org_id: str | None, version: int | str, fmt: str
) -> tuple[str, str]:
    """(file name, content) of a version ("draft" or a number) of a template."""
    found = templates.find(caller, template_id, org_id)
    document = {"format": defs.FORMAT, **templates.definition_at(found, version)}
    label = "draft" if version == "draft" else f"v{version}"
    name = f"{template_id}-{label}.{'yaml' if fmt == 'yaml' else 'json'}"
    if fmt == "yaml":
        import yaml

        return name, yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return name, json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_file(fmt: str, content: str) -> dict[str, Any]:
    if fmt == "yaml":
        loaded = _safe_yaml(content)
    else:
        try:
            loaded = json.loads(content)
        except (ValueError, RecursionError):
            raise Invalid("the file is not valid JSON", code="unreadable_file") from None
    if not isinstance(loaded, dict):
        raise Invalid("a template file holds one object", code="unreadable_file")
    if loaded.get("format", defs.FORMAT) != defs.FORMAT:
        raise Invalid(f"this is not a {defs.FORMAT} file", code="unreadable_file")
    return {k: v for k, v in loaded.items() if k != "format"}


def _safe_yaml(content: str) -> Any:
    import yaml

    try:
        for event in yaml.parse(content, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise Invalid("YAML anchors and aliases are not accepted", code="yaml_aliases_not_allowed")
        return yaml.safe_load(content)
    except (yaml.YAMLError, RecursionError):
        raise Invalid("the file is not valid YAML", code="unreadable_file") from None


def import_file(
    caller: Caller, template_id: str, org_id: str | None, fmt: str, content: str, if_match: int
) -> tuple[OrgTemplate, dict[str, Any]]:
    """Replace the draft with a file's definition, if it is valid (every problem at once otherwise)."""
    document = read_file(fmt, content)
    found, draft = templates.editable(caller, template_id, org_id)
    problems = templates.problems_of(found.org_id, draft, document)
    if problems:
        raise Invalid(f"the file has {len(problems)} problem(s)", code="invalid_template", details=problems)
    return templates.replace_draft(caller, template_id, org_id, document, if_match)
