"""Contacts and property records of an org (docs/INTAKE.md): staff create, read, list and search them.
Exact duplicates are refused by key (a contact's email or phone, a property's address + unit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock, ids
from chalicelib.domain import matching
from chalicelib.domain.access import Caller
from chalicelib.domain.contacts import Contact
from chalicelib.domain.entities import Address, Property
from chalicelib.domain.errors import Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.services.activity import org_event
from chalicelib.services.leads import lead_org
from chalicelib.store import cursors
from chalicelib.store import intake as store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.intake_commands import NewContact, NewPropertyRecord


def create_contact(caller: Caller, command: NewContact) -> Contact:
    org_id, _ = lead_org(caller, command.org_id)
    if not command.email and not command.phone:
        raise Invalid("a contact needs an email or a phone", code="email_or_phone_required")
    contact = Contact(
        ids.new_id("ct"), org_id, command.name, clock.now(), email=command.email, phone=command.phone,
        company=command.company, preferred_channel=command.preferred_channel, roles=list(command.roles),
    )  # fmt: skip
    uow = UnitOfWork()
    store.add_contact(uow, contact)
    uow.record(
        org_event(
            org_id,
            caller.actor,
            EventType.CONTACT_CREATED,
            f"{caller.label} added a contact",
            data={"contact_id": contact.contact_id},
        )
    )
    uow.commit()
    return contact


def get_contact(caller: Caller, contact_id: str) -> Contact:
    contact = store.get_contact(contact_id) if ids.looks_like("ct", contact_id) else None
    if contact is None or caller.staff_role(contact.org_id) is None:
        raise NotFound("contact not found")
    return contact


def search_contacts(
    caller: Caller,
    *,
    org_id: str | None,
    email: str | None,
    phone: str | None,
    limit: int,
    cursor: str | None,
    name: str | None = None,
) -> tuple[list[Contact], str | None]:
    """The org's contacts by name (those whose name starts with `name` when given), or those whose email
    or phone starts with the prefix given: one Query per page (the search answers from the key items,
    which carry name, email and phone)."""
    org, _ = lead_org(caller, org_id)
    if sum(1 for given in (email, phone, name) if given) > 1:
        raise Invalid("search by name, email or phone, one at a time", code="one_search_at_a_time")
    scope = f"contacts:{caller.user_id}:{org}:{email}:{phone}:{name}"
    start = cursors.decode(scope, cursor)
    if email or phone:
        kind, prefix = (
            (store.EMAIL, email.strip().lower()) if email else (store.PHONE, _phone_prefix(phone or ""))
        )
        keys, last = store.contact_key_page(org, kind, prefix, limit=limit, start=start)
        found = [Contact(k.contact_id, org, k.name, clock.now(), email=k.email, phone=k.phone) for k in keys]
        return found, cursors.encode(scope, last)
    items, last = store.contact_page(org, limit=limit, start=start, name=name)
    return items, cursors.encode(scope, last)


def _phone_prefix(text: str) -> str:
    """`(617) 555` → `+1617555`: a US number typed without its country code, as phones are stored."""
    digits = "".join(c for c in text if c.isdigit())
    if text.strip().startswith("+"):
        return "+" + digits
    return "+1" + digits if digits else ""


def create_property(caller: Caller, command: NewPropertyRecord) -> Property:
    org_id, _ = lead_org(caller, command.org_id)
    address = Address(**command.address.model_dump())
    prop = Property(
        ids.new_id("p"), org_id, address, clock.now(), unit=command.unit,
        address_key=matching.address_key(address, command.unit), apn=command.apn, mls_id=command.mls_id,
        owner_account_id=command.owner_account_id,
    )  # fmt: skip
    uow = UnitOfWork()
    store.add_property(uow, prop)
    uow.record(
        org_event(
            org_id,
            caller.actor,
            EventType.PROPERTY_CREATED,
            f"{caller.label} added a property",
            data={"property_id": prop.property_id},
        )
    )
    uow.commit()
    return prop


def get_property(caller: Caller, property_id: str) -> Property:
    prop = store.get_property(property_id) if property_id.startswith("p_") and len(property_id) < 40 else None
    if prop is None or caller.staff_role(prop.org_id) is None:
        raise NotFound("property not found")
    return prop


def search_properties(
    caller: Caller, *, org_id: str | None, address: str | None, limit: int, cursor: str | None
) -> tuple[list[Property], str | None]:
    """Properties whose normalized address starts with the prefix: one Query of the org's address keys
    per page, then one BatchGetItem of the records it names."""
    org, _ = lead_org(caller, org_id)
    prefix = matching.address_prefix(address or "")
    scope = f"properties:{caller.user_id}:{org}:{prefix}"
    keys, last = store.property_key_page(org, prefix, limit=limit, start=cursors.decode(scope, cursor))
    found = store.properties_by_id([k.property_id for k in keys])
    unique = list(dict.fromkeys(k.property_id for k in keys))  # a merged duplicate's key names its survivor
    return [found[p] for p in unique if p in found], cursors.encode(scope, last)
