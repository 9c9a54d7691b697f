"""An org's inbound-lead settings (docs/CRM_IN.md): one item per org, read by key, changed with the
version it was read at."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.errors import Conflict
from chalicelib.domain.inbound_leads import InboundLeads
from chalicelib.store.errors import translated
from chalicelib.store.inbound_lead_models import InboundLeadsItem
from chalicelib.store.unit_of_work import UnitOfWork, changes_between


def _changed() -> Conflict:
    return Conflict("the inbound-lead settings changed meanwhile; read them again", code="inbound_changed")


def get(org_id: str, *, consistent: bool = False) -> InboundLeads | None:
    with translated():
        try:
            item = InboundLeadsItem.get(*InboundLeadsItem.key_for(org_id=org_id), consistent_read=consistent)
        except DoesNotExist:
            return None
    entity: InboundLeads = item.to_entity()
    return entity


def save(uow: UnitOfWork, before: InboundLeads | None, after: InboundLeads) -> None:
    """Create the settings, or change them on the condition that nobody changed them since `before`."""
    if before is None:
        uow.create(InboundLeadsItem.from_entity(after), on_exists=_changed())
        return
    changes = changes_between(before, after)
    changes.pop("version", None)
    uow.update(
        InboundLeadsItem.from_entity(before), changes, expected_version=before.version, on_fail=_changed()
    )
