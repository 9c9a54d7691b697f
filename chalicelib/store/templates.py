"""Org-owned templates in the table and, when a definition outgrows an item, in the documents bucket
(docs/TEMPLATES.md).

A definition is JSON text on its item while it fits with a wide margin (`INLINE_LIMIT`, far below
DynamoDB's 400 KB item limit); a larger one goes to `templates/{org}/{template}/...` in the documents bucket
and the item keeps its key and SHA-256, checked on every read (a mismatch is a 503, never a wrong plan).
Published versions are cached per warm function by (template id, version): they never change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import template_definitions, workflows
from chalicelib.domain.errors import Conflict, NotFound, PreconditionFailed, Unavailable
from chalicelib.domain.org_templates import OrgTemplate, TemplateVersion, sha256
from chalicelib.observability import logger
from chalicelib.store.errors import translated
from chalicelib.store.models import OrgItem
from chalicelib.store.table import TableItem, query_all
from chalicelib.store.template_models import (
    DRAFT_PREFIX,
    VERSION_PREFIX,
    OrgTemplateItem,
    TemplateVersionItem,
)
from chalicelib.store.unit_of_work import UnitOfWork

INLINE_LIMIT = 300_000  # bytes of definition kept on the item (DynamoDB allows 400 KB per item)
OBJECT_KEY = "templates/{org_id}/{template_id}/{name}.json"
CACHE_SIZE = 64  # (template id, version) pairs a warm function keeps


# -- definitions: inline or in S3 ---------------------------------------------------------------------


def _unreadable() -> Unavailable:
    """Every route that reads a deal may read its template: the 503 code they all declare."""
    return Unavailable("the template could not be read; please retry", code="retry_later")


@contextmanager
def _s3_translated() -> Iterator[None]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise _unreadable() from exc


def store_definition(org_id: str, template_id: str, name: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The item fields holding `doc`: inline when small, else an S3 object (written now: an object nobody
    names yet is harmless, and the item naming it is written after)."""
    text = json.dumps(doc, separators=(",", ":"), sort_keys=False)
    digest = sha256(text)
    if len(text.encode()) <= INLINE_LIMIT:
        return {"definition": text, "definition_key": None, "definition_sha256": digest}
    from chalicelib.store import objects

    key = OBJECT_KEY.format(org_id=org_id, template_id=template_id, name=f"{name}-{digest[:16]}")
    with objects.translated():
        objects.client().put_object(
            Bucket=objects.bucket(), Key=key, Body=text.encode(), ContentType="application/json"
        )
    return {"definition": None, "definition_key": key, "definition_sha256": digest}


def load_definition(stored: OrgTemplate | TemplateVersion) -> dict[str, Any]:
    text = stored.definition
    if text is None and stored.definition_key:
        from chalicelib.store import objects

        with _s3_translated():
            reply = objects.client().get_object(Bucket=objects.bucket(), Key=stored.definition_key)
            text = reply["Body"].read().decode()
    if text is None or sha256(text) != stored.definition_sha256:
        logger.error("template definition does not match its hash", extra={"template": stored.template_id})
        raise _unreadable()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# -- reads --------------------------------------------------------------------------------------------


def get_draft(org_id: str, template_id: str) -> OrgTemplate | None:
    """GetItem, strongly consistent (a write decides from it)."""
    with translated():
        try:
            item = OrgTemplateItem.get(
                *OrgTemplateItem.key_for(org_id=org_id, template_id=template_id), consistent_read=True
            )
        except DoesNotExist:
            return None
    found: OrgTemplate = item.to_entity()
    return found


def list_templates(org_id: str) -> list[OrgTemplate]:
    """An org's templates: one Query of its template partition's drafts."""
    partition = OrgTemplateItem.KEY.partition_for(org_id=org_id)
    with translated():
        items = query_all(partition, sort_condition=TableItem.sk.startswith(DRAFT_PREFIX), consistent=False)
    return [i.to_entity() for i in items if isinstance(i, OrgTemplateItem)]


def list_versions(org_id: str, template_id: str) -> list[TemplateVersion]:
    """A template's published versions, oldest first: one Query."""
    partition = TemplateVersionItem.KEY.partition_for(org_id=org_id)
    prefix = f"{VERSION_PREFIX}{template_id}#"
    with translated():
        items = query_all(partition, sort_condition=TableItem.sk.startswith(prefix), consistent=False)
    return [i.to_entity() for i in items if isinstance(i, TemplateVersionItem)]


def get_version(org_id: str, template_id: str, version: int) -> TemplateVersion | None:
    key = TemplateVersionItem.key_for(org_id=org_id, template_id=template_id, version_key=f"{version:06d}")
    with translated():
        try:
            item = TemplateVersionItem.get(*key)
        except DoesNotExist:
            return None
    found: TemplateVersion = item.to_entity()
    return found


def published(org_id: str, template_id: str, version: int) -> workflows.WorkflowTemplate:
    """A published version as a runnable template: read at most once per warm function (one GetItem,
    plus one S3 GetObject for a large definition), then served from `workflows.ORG_TEMPLATE_CACHE`."""
    cache = workflows.ORG_TEMPLATE_CACHE
    found = cache.get((template_id, version))
    if found is not None:
        return found
    stored = get_version(org_id, template_id, version)
    if stored is None:
        raise NotFound("no such template version", code="template_not_found")
    template = template_definitions.parse(
        load_definition(stored), workflow=stored.workflow, version=stored.version
    ).template
    if len(cache) >= CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[(template_id, version)] = template
    return template


# -- writes -------------------------------------------------------------------------------------------


def add_draft(uow: UnitOfWork, template: OrgTemplate) -> None:
    uow.create(OrgTemplateItem.from_entity(template))


def change_draft(uow: UnitOfWork, before: OrgTemplate, changes: dict[str, Any]) -> None:
    """Holds only while the draft is at the version it was read at (If-Match), and bumps it."""
    uow.update(
        OrgTemplateItem.from_entity(before),
        changes,
        expected_version=before.version,
        on_fail=PreconditionFailed("the draft changed since you loaded it; reload it and try again"),
    )


def add_version(uow: UnitOfWork, version: TemplateVersion) -> None:
    """A published version is created once; a second publication of the same number is refused."""
    uow.create(
        TemplateVersionItem.of(version),
        on_exists=Conflict("this version was just published; reload the template", code="already_published"),
    )


def set_state_defaults(uow: UnitOfWork, org_id: str, defaults: dict[str, str]) -> None:
    """The org's default template per workflow and state, on the org item the deal opening reads anyway."""
    org = OrgItem()
    org.org_id = org_id
    uow.update(org, {"template_defaults": defaults})
