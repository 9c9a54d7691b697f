"""Which template a new deal runs (docs/TEMPLATES.md): the one `POST /v1/deals` names, else the org's
published template for the deal's workflow in the property's state, else the built-in.

The org's per-state defaults are on the org item, which opening a deal reads anyway; an org template's
version is read at most once per warm function (store/templates.py). A template of another org is 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain import workflows
from chalicelib.domain.access import Caller, DealAccess
from chalicelib.domain.entities import Org
from chalicelib.domain.errors import Invalid, NotFound
from chalicelib.services.access import deal_header_access
from chalicelib.store import templates as template_store

if TYPE_CHECKING:
    from chalicelib.domain.commands import NewDeal


def choose(
    org: Org, command: NewDeal, builtin: workflows.WorkflowTemplate
) -> tuple[str | None, workflows.WorkflowTemplate]:
    """(org template id or None for a built-in, the template)."""
    if command.template_id is not None:
        return _named(org, command, builtin)
    default = org.template_defaults.get(f"{command.workflow}#{command.property.address.state}")
    if default is None:
        return None, builtin
    template_id, version = default.rsplit("#", 1)
    return template_id, template_store.published(org.org_id, template_id, int(version))


def of_deal_for(caller: Caller, deal_id: str) -> tuple[workflows.WorkflowTemplate, DealAccess]:
    """The template a deal the caller reaches runs (404 for anyone else): the deal's header (one Query),
    then its pinned version, read at most once per warm function."""
    deal, _, access = deal_header_access(caller, deal_id)
    return workflows.of_deal(deal), access


def _named(
    org: Org, command: NewDeal, builtin: workflows.WorkflowTemplate
) -> tuple[str | None, workflows.WorkflowTemplate]:
    assert command.template_id is not None
    if command.template_id in workflows.registry().workflows():
        if command.template_id != command.workflow:
            raise _mismatch(command.workflow)
        if command.template_version is None:
            return None, builtin
        if (command.template_id, command.template_version) not in workflows.registry().templates:
            raise NotFound("no such template version", code="template_not_found")
        return None, workflows.pinned(command.template_id, command.template_version)
    version = command.template_version
    if version is None:
        draft = template_store.get_draft(org.org_id, command.template_id)
        if draft is None or draft.published_version == 0:
            raise NotFound("no such template", code="template_not_found")
        version = draft.published_version
    template = template_store.published(org.org_id, command.template_id, version)
    if template.workflow != command.workflow:
        raise _mismatch(command.workflow)
    return command.template_id, template


def _mismatch(workflow: str) -> Invalid:
    return Invalid(f"that template does not run {workflow} deals", code="template_workflow_mismatch")


def require_stage(org_id: str, workflow: str, stage: str, builtin: workflows.WorkflowTemplate) -> None:
    """A stage the built-in lacks may be one of the org's published templates of the workflow (their
    latest versions: one Query, the versions from the warm cache); else 422 `unknown_stage`."""
    for template in template_store.list_templates(org_id):
        if template.workflow == workflow and template.published_version:
            found = template_store.published(org_id, template.template_id, template.published_version)
            if found.has_stage(stage):
                return
    builtin.stage(stage)  # raises unknown_stage
