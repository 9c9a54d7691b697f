"""Merging duplicate contacts and property records, and undoing it (docs/INTAKE.md, "Merging"): admins
and coordinators of the org; every merge and undo is an audited org event with its reason."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from chalicelib import clock, ids
from chalicelib.domain import merges
from chalicelib.domain.access import Caller, require_ops
from chalicelib.domain.contacts import Contact
from chalicelib.domain.entities import Property
from chalicelib.domain.errors import NotFound
from chalicelib.domain.events import EventType
from chalicelib.services.activity import org_event
from chalicelib.store import intake as store
from chalicelib.store import merges as merge_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.intake_commands import MergeIn, UnmergeIn


def _contact(caller: Caller, contact_id: str) -> Contact:
    contact = store.get_contact(contact_id) if ids.looks_like("ct", contact_id) else None
    if contact is None or caller.staff_role(contact.org_id) is None:
        raise NotFound("contact not found")
    require_ops(caller, contact.org_id)
    return contact


def merge_contact(caller: Caller, contact_id: str, command: MergeIn) -> Contact:
    source = _contact(caller, contact_id)
    target = store.get_contact(command.into) if ids.looks_like("ct", command.into) else None
    merges.check_merge(
        source.contact_id, source.org_id, source.merged_into, command.into,
        target.org_id if target else None, target.merged_into if target else None,
    )  # fmt: skip
    assert target is not None
    now = clock.now()
    after = dataclasses.replace(
        source, merged_into=target.contact_id, merged_at=now, version=source.version + 1
    )
    uow = UnitOfWork()
    store.change_contact(uow, source, after)
    store.change_contact(uow, target, dataclasses.replace(target, version=target.version + 1))
    merge_store.repoint_contact_keys(uow, source, source, target)
    uow.record(
        org_event(
            source.org_id, caller.actor, EventType.CONTACT_MERGED, "Merged a duplicate contact",
            data={"contact_id": source.contact_id, "into": target.contact_id, "reason": command.reason},
        )
    )  # fmt: skip
    uow.commit()
    return after


def unmerge_contact(caller: Caller, contact_id: str, command: UnmergeIn) -> Contact:
    source = _contact(caller, contact_id)
    now = clock.now()
    merges.check_unmerge(source.merged_into, source.merged_at, now)
    assert source.merged_into
    target = store.get_contact(source.merged_into)
    if target is None:
        raise NotFound("the contact it was merged into is gone")
    after = dataclasses.replace(source, merged_into=None, merged_at=None, version=source.version + 1)
    uow = UnitOfWork()
    store.change_contact(uow, source, after)
    merge_store.repoint_contact_keys(uow, source, target, source)
    uow.record(
        org_event(
            source.org_id, caller.actor, EventType.CONTACT_UNMERGED, "Undid a contact merge",
            data={"contact_id": source.contact_id, "from": target.contact_id, "reason": command.reason},
        )
    )  # fmt: skip
    uow.commit()
    return after


def _property(caller: Caller, property_id: str) -> Property:
    prop = store.get_property(property_id) if property_id.startswith("p_") and len(property_id) < 40 else None
    if prop is None or caller.staff_role(prop.org_id) is None:
        raise NotFound("property not found")
    require_ops(caller, prop.org_id)
    return prop


def merge_property(caller: Caller, property_id: str, command: MergeIn) -> Property:
    source = _property(caller, property_id)
    target = store.get_property(command.into) if command.into.startswith("p_") else None
    merges.check_merge(
        source.property_id, source.org_id, source.merged_into, command.into,
        target.org_id if target else None, target.merged_into if target else None,
    )  # fmt: skip
    assert target is not None
    now = clock.now()
    uow = UnitOfWork()
    merge_store.mark_property(uow, source, target.property_id, now)
    merge_store.check_property_unmerged(uow, target)
    merge_store.repoint_property_key(uow, source, target.property_id, source.property_id)
    uow.record(
        org_event(
            source.org_id, caller.actor, EventType.PROPERTY_MERGED, "Merged a duplicate property",
            data={"property_id": source.property_id, "into": target.property_id, "reason": command.reason},
        )
    )  # fmt: skip
    uow.commit()
    return dataclasses.replace(source, merged_into=target.property_id, merged_at=now)


def unmerge_property(caller: Caller, property_id: str, command: UnmergeIn) -> Property:
    source = _property(caller, property_id)
    now = clock.now()
    merges.check_unmerge(source.merged_into, source.merged_at, now)
    assert source.merged_into
    uow = UnitOfWork()
    merge_store.mark_property(uow, source, None, None)
    merge_store.repoint_property_key(uow, source, source.property_id, source.merged_into)
    uow.record(
        org_event(
            source.org_id, caller.actor, EventType.PROPERTY_UNMERGED, "Undid a property merge",
            data={"property_id": source.property_id, "from": source.merged_into, "reason": command.reason},
        )
    )  # fmt: skip
    uow.commit()
    return dataclasses.replace(source, merged_into=None, merged_at=None)
