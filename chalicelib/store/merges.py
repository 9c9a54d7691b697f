"""Writes of merging duplicate contacts and property records (domain/merges.py, docs/INTAKE.md)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.contacts import Contact
from chalicelib.domain.entities import Property
from chalicelib.domain.errors import Conflict
from chalicelib.store.intake import EMAIL, PHONE
from chalicelib.store.intake_models import ContactKey, ContactKeyItem, PropertyKey, PropertyKeyItem
from chalicelib.store.models import PropertyItem
from chalicelib.store.unit_of_work import UnitOfWork


def repoint_contact_keys(
    uow: UnitOfWork, keys_of: Contact, from_contact_id: str, to_contact: Contact
) -> None:
    """`keys_of`'s email and phone keys, pointing at `from_contact_id`, now point at `to_contact` (on the
    condition that nobody moved them meanwhile)."""
    for kind, value in ((EMAIL, keys_of.email), (PHONE, keys_of.phone)):
        if not value:
            continue
        # the item only addresses the key: the update sets its contact and name
        key = ContactKey(keys_of.org_id, kind, value, from_contact_id, to_contact.name)
        uow.update(
            ContactKeyItem.from_entity(key),
            {"contact_id": to_contact.contact_id, "name": to_contact.name},
            condition=ContactKeyItem.contact_id == from_contact_id,
            on_fail=Conflict("the contact's keys moved meanwhile; reload", code="contact_changed"),
        )


def repoint_property_key(
    uow: UnitOfWork, keys_of: Property, to_property_id: str, from_property_id: str
) -> None:
    if not keys_of.address_key:
        return
    key = PropertyKey(keys_of.org_id, keys_of.address_key, from_property_id)
    uow.update(
        PropertyKeyItem.from_entity(key),
        {"property_id": to_property_id},
        condition=PropertyKeyItem.property_id == from_property_id,
        on_fail=Conflict("the property's key moved meanwhile; reload", code="property_changed"),
    )


def mark_property(uow: UnitOfWork, prop: Property, merged_into: str | None, at: Any) -> None:
    """A property record has no version: its merge state is its condition."""
    condition = (
        PropertyItem.merged_into.does_not_exist() if merged_into else PropertyItem.merged_into.exists()
    )
    uow.update(
        PropertyItem.from_entity(prop),
        {"merged_into": merged_into, "merged_at": at},
        condition=condition,
        on_fail=Conflict("the property was merged or restored meanwhile", code="property_changed"),
    )


def check_property_unmerged(uow: UnitOfWork, prop: Property) -> None:
    uow.check(
        PropertyItem,
        PropertyItem.key_for(property_id=prop.property_id),
        PropertyItem.merged_into.does_not_exist(),
        Conflict("the surviving record was merged meanwhile", code="property_changed"),
    )
