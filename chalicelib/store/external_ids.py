"""External ids (a CRM's or a spreadsheet's key for a deal): unique per org, claimed in the deal's own
transaction."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.entities import Deal
from chalicelib.domain.errors import Conflict
from chalicelib.store.errors import translated
from chalicelib.store.models import ExternalIdItem
from chalicelib.store.unit_of_work import UnitOfWork


def taken() -> Conflict:
    return Conflict(
        "a deal with this external id already exists in the organization", code="external_id_taken"
    )


def claim(uow: UnitOfWork, deal: Deal) -> None:
    """Stage the uniqueness item of a new deal's external id (fails the transaction if it exists)."""
    assert deal.external_id is not None
    item = ExternalIdItem()
    item.org_id, item.external_id, item.deal_id = deal.org_id, deal.external_id, deal.deal_id
    uow.create(item, on_exists=taken())


def deal_for(org_id: str, external_id: str) -> str | None:
    """The deal that holds an external id: one GetItem."""
    key = ExternalIdItem.key_for(org_id=org_id, external_id=external_id)
    with translated():
        try:
            return str(ExternalIdItem.get(key[0], key[1], consistent_read=True).deal_id)
        except DoesNotExist:
            return None
