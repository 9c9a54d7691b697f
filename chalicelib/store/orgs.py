"""Organizations (brokerages, property managers)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.entities import Org
from chalicelib.store.errors import translated
from chalicelib.store.models import OrgItem
from chalicelib.store.unit_of_work import UnitOfWork, already_exists


def add_org(uow: UnitOfWork, org: Org) -> None:
    uow.create(OrgItem.from_entity(org), on_exists=already_exists("this organization"))
    if org.slug:  # the slug is unique: its lookup item is created with the org (docs/INTAKE.md)
        from chalicelib.store.intake import add_slug

        add_slug(uow, org)


def get_org(org_id: str) -> Org | None:
    key = OrgItem.key_for(org_id=org_id)
    with translated():
        try:
            return OrgItem.get(key[0], key[1]).to_entity()
        except DoesNotExist:
            return None


def set_cost_approval_threshold(uow: UnitOfWork, org: Org, threshold: int | None) -> None:
    uow.update(OrgItem.from_entity(org), {"cost_approval_threshold": threshold})
