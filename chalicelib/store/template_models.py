"""The items of org-owned templates (docs/TEMPLATES.md); their keys are declared here, once.

ORG#{org_id}#TPL  DRAFT#{template_id}                   the template's header and its one draft
                  VER#{template_id}#{version:06d}       a published version (created once, never updated)
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.domain.org_templates import OrgTemplate, TemplateVersion
from chalicelib.store.table import KeyFormat, TableItem, share_connection

DRAFT_PREFIX = "DRAFT#"
VERSION_PREFIX = "VER#"


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


class OrgTemplateItem(TableItem, discriminator="OrgTemplate"):
    KEY = KeyFormat("ORG#{org_id}#TPL", DRAFT_PREFIX + "{template_id}")
    ENTITY = OrgTemplate

    org_id = _text(False)
    template_id = _text(False)
    workflow = _text(False)
    name = _text(False)
    derived_from = _text(False)
    derived_from_version = NumberAttribute()
    created_at = _text(False)
    created_by = _text(False)
    updated_at = _text(False)
    updated_by = _text(False)
    definition_sha256 = _text(False)
    states = ListAttribute(null=True)  # type: ignore[var-annotated]
    version = NumberAttribute()
    published_version = NumberAttribute()
    definition = _text()  # JSON text, or absent when it is in S3
    definition_key = _text()


class TemplateVersionItem(TableItem, discriminator="TemplateVersion"):
    KEY = KeyFormat("ORG#{org_id}#TPL", VERSION_PREFIX + "{template_id}#{version_key}")
    ENTITY = TemplateVersion

    org_id = _text(False)
    template_id = _text(False)
    version = NumberAttribute()
    version_key = _text(False)
    workflow = _text(False)
    name = _text(False)
    published_at = _text(False)
    published_by = _text(False)
    definition_sha256 = _text(False)
    states = ListAttribute(null=True)  # type: ignore[var-annotated]
    definition = _text()
    definition_key = _text()

    @classmethod
    def of(cls, version: TemplateVersion) -> TemplateVersionItem:
        return cls.from_entity(version, version_key=version.version_key)


TEMPLATE_ITEM_CLASSES: tuple[type[TableItem], ...] = (OrgTemplateItem, TemplateVersionItem)
share_connection(*TEMPLATE_ITEM_CLASSES)  # store/models.py: LAZY_ITEM_MODULES
