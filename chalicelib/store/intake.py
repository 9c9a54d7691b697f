"""Reads and writes of intake, contacts, leads and properties (keys: store/intake_models.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.contacts import Contact, Lead
from chalicelib.domain.entities import Org, Property, User
from chalicelib.domain.errors import Conflict, DomainError
from chalicelib.store import schema
from chalicelib.store.errors import translated
from chalicelib.store.intake_models import (
    LEAD_DUE_PARTITION,
    ContactItem,
    ContactKey,
    ContactKeyItem,
    LeadItem,
    OrgIntakeItem,
    OrgSlug,
    OrgSlugItem,
    PropertyKey,
    PropertyKeyItem,
    RoutingCounter,
    RoutingCounterItem,
)
from chalicelib.store.models import OrgItem, PropertyItem, StaffItem, UserItem
from chalicelib.store.table import TableItem, query_page
from chalicelib.store.unit_of_work import UnitOfWork, already_exists, changes_between

EMAIL, PHONE = "EMAIL", "PHONE"


def org_by_slug(slug: str) -> str | None:
    key = OrgSlugItem.key_for(slug=slug)
    with translated():
        try:
            return str(OrgSlugItem.get(*key).org_id)
        except DoesNotExist:
            return None


def add_slug(uow: UnitOfWork, org: Org) -> None:
    assert org.slug
    uow.create(OrgSlugItem.from_entity(OrgSlug(org.slug, org.org_id)), on_exists=already_exists("this slug"))


def set_settings(uow: UnitOfWork, org_id: str, settings: dict[str, Any]) -> None:
    # an upsert writes only what it names: the item's type and identity too, so it reads back typed
    changes = {"settings": settings, "org_id": org_id, "kind": OrgIntakeItem}
    uow.update(OrgIntakeItem.from_entity(_intake(org_id, settings)), changes, must_exist=False)


def _intake(org_id: str, settings: dict[str, Any]) -> Any:
    from chalicelib.store.intake_models import OrgIntake

    return OrgIntake(org_id, settings)


@dataclass
class Known:
    """What one BatchGetItem tells an intake: the org and its form, and who and what is already known."""

    org: Org | None = None
    settings: dict[str, Any] | None = None
    user: User | None = None
    by_email: ContactKey | None = None
    by_phone: ContactKey | None = None
    property_key: PropertyKey | None = None


def known(org_id: str, *, email: str, phone: str | None, address_key: str | None) -> Known:
    keys = [
        OrgItem.key_for(org_id=org_id),
        OrgIntakeItem.key_for(org_id=org_id),
        UserItem.key_for(email=email),
        ContactKeyItem.key_for(org_id=org_id, key_kind=EMAIL, value=email),
    ]
    if phone:
        keys.append(ContactKeyItem.key_for(org_id=org_id, key_kind=PHONE, value=phone))
    if address_key:
        keys.append(PropertyKeyItem.key_for(org_id=org_id, address_key=address_key))
    out = Known()
    with translated():
        found = list(TableItem.batch_get(keys, consistent_read=True))
    for item in found:
        if isinstance(item, OrgItem):
            out.org = item.to_entity()
        elif isinstance(item, OrgIntakeItem):
            out.settings = item.settings.as_dict() if item.settings else {}
        elif isinstance(item, UserItem):
            out.user = item.to_entity()
        elif isinstance(item, ContactKeyItem):
            setattr(out, "by_email" if item.key_kind == EMAIL else "by_phone", item.to_entity())
        elif isinstance(item, PropertyKeyItem):
            out.property_key = item.to_entity()
    return out


def org_and_settings(org_id: str) -> tuple[Org | None, dict[str, Any] | None]:
    keys = [OrgItem.key_for(org_id=org_id), OrgIntakeItem.key_for(org_id=org_id)]
    org, settings = None, None
    with translated():
        for item in TableItem.batch_get(keys):
            if isinstance(item, OrgItem):
                org = item.to_entity()
            elif isinstance(item, OrgIntakeItem):
                settings = item.settings.as_dict() if item.settings else {}
    return org, settings


@dataclass
class Matched:
    contact: Contact | None = None
    property: Property | None = None
    counter: int = 0  # the routing rule's turns taken so far


def second_read(contact_id: str | None, property_id: str | None, *, org_id: str, rule: str | None) -> Matched:
    """The contact and property the keys named, and the routing rule's counter: one BatchGetItem."""
    keys = []
    if contact_id:
        keys.append(ContactItem.key_for(contact_id=contact_id))
    if property_id:
        keys.append(PropertyItem.key_for(property_id=property_id))
    if rule:
        keys.append(RoutingCounterItem.key_for(org_id=org_id, rule=rule))
    out = Matched()
    if not keys:
        return out
    with translated():
        for item in TableItem.batch_get(keys, consistent_read=True):
            if isinstance(item, ContactItem):
                out.contact = item.to_entity()
            elif isinstance(item, PropertyItem):
                out.property = item.to_entity()
            elif isinstance(item, RoutingCounterItem):
                out.counter = int(item.turns or 0)
    return out


def contact_names(contact_ids: list[str]) -> dict[str, str]:
    keys = [ContactItem.key_for(contact_id=c) for c in contact_ids[:20]]
    with translated():
        return {
            str(i.contact_id): str(i.name) for i in TableItem.batch_get(keys) if isinstance(i, ContactItem)
        }


def email_neighbours(org_id: str, prefix: str, *, limit: int = 50) -> list[ContactKey]:
    """Contacts whose email starts like `prefix`: one Query of the org's key partition."""
    with translated():
        page = query_page(
            ContactKeyItem.KEY.partition_for(org_id=org_id),
            sort_condition=TableItem.sk.startswith(f"{EMAIL}#{prefix}"),
            limit=limit,
        )
    return [i.to_entity() for i in page.items if isinstance(i, ContactKeyItem)]


# -- writes -----------------------------------------------------------------------------------------


def add_contact(uow: UnitOfWork, contact: Contact) -> None:
    uow.create(ContactItem.from_entity(contact), on_exists=already_exists("this contact"))
    for kind, value in ((EMAIL, contact.email), (PHONE, contact.phone)):
        if value:
            key = ContactKey(
                contact.org_id, kind, value, contact.contact_id, contact.name, contact.email, contact.phone
            )
            uow.create(
                ContactKeyItem.from_entity(key),
                on_exists=Conflict(
                    f"a contact with this {kind.lower()} already exists",
                    code="contact_exists",
                    details={"field": kind.lower()},
                ),
            )


def change_contact(
    uow: UnitOfWork, before: Contact, after: Contact, on_fail: DomainError | None = None
) -> None:
    changes = changes_between(before, after)
    changes.pop("version", None)
    uow.update(
        ContactItem.from_entity(before),
        changes,
        expected_version=before.version,
        on_fail=on_fail or Conflict("the contact changed meanwhile; try again", code="contact_changed"),
    )


def add_property(uow: UnitOfWork, prop: Property) -> None:
    assert prop.address_key
    uow.create(PropertyItem.from_entity(prop), on_exists=already_exists("this property"))
    uow.create(
        PropertyKeyItem.from_entity(PropertyKey(prop.org_id, prop.address_key, prop.property_id)),
        on_exists=Conflict("a property at this address and unit already exists", code="property_exists"),
    )


def link_contact_to_property(uow: UnitOfWork, prop: Property, contact_id: str) -> None:
    if contact_id in prop.contact_ids:
        return
    uow.update(PropertyItem.from_entity(prop), {"contact_ids": [*prop.contact_ids, contact_id][-20:]})


def add_lead(uow: UnitOfWork, lead: Lead) -> None:
    uow.create(LeadItem.from_entity(lead), on_exists=already_exists("this lead"))


def change_lead(uow: UnitOfWork, before: Lead, after: Lead, *, on_fail: DomainError | None = None) -> None:
    changes = changes_between(before, after)
    changes.pop("version", None)
    uow.update(
        LeadItem.from_entity(before),
        changes,
        expected_version=before.version,
        on_fail=on_fail or Conflict("the lead changed meanwhile; reload it", code="lead_changed"),
    )


def next_in_rotation(uow: UnitOfWork, org_id: str, rule: str, seen: int) -> None:
    """Claim turn `seen` of the rule's rotation: the write holds only if nobody took it meanwhile, so two
    submissions at once never get the same turn (the loser's transaction is retried)."""
    item = RoutingCounterItem.from_entity(RoutingCounter(org_id, rule, seen))
    condition = RoutingCounterItem.turns.does_not_exist() if seen == 0 else RoutingCounterItem.turns == seen
    uow.update(
        item,
        {"turns": seen + 1, "org_id": org_id, "rule": rule, "kind": RoutingCounterItem},
        condition=condition,
        must_exist=False,
        on_fail=Conflict("another submission took this turn", code="routing_turn_taken"),
    )


# -- reads of one record and of lists -----------------------------------------------------------------


def get_lead(lead_id: str) -> Lead | None:
    with translated():
        try:
            item = LeadItem.get(*LeadItem.key_for(lead_id=lead_id), consistent_read=True)
        except DoesNotExist:
            return None
    return item.to_entity()


def get_contact(contact_id: str) -> Contact | None:
    with translated():
        try:
            item = ContactItem.get(*ContactItem.key_for(contact_id=contact_id), consistent_read=True)
        except DoesNotExist:
            return None
    return item.to_entity()


def get_property(property_id: str) -> Property | None:
    with translated():
        try:
            item = PropertyItem.get(*PropertyItem.key_for(property_id=property_id), consistent_read=True)
        except DoesNotExist:
            return None
    return item.to_entity()


def lead_page(
    org_id: str, *, status: str | None, owner: str | None, limit: int, start: dict[str, Any] | None
) -> tuple[list[Lead], dict[str, Any] | None]:
    """The lead queue: one Query per page (GSI1 for the org, GSI2 for one owner; status as a prefix)."""
    index = schema.GSI2 if owner else schema.GSI1
    fmt = LeadItem.INDEXES[index]
    partition = (
        fmt.partition_for(org_id=org_id, owner_user_id=owner) if owner else fmt.partition_for(org_id=org_id)
    )
    sort_key = TableItem.gsi2sk if owner else TableItem.gsi1sk
    with translated():
        page = query_page(
            partition,
            index=index,
            sort_condition=sort_key.startswith(f"{status}#") if status else None,
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, LeadItem)], page.last_key


def contact_page(
    org_id: str, *, limit: int, start: dict[str, Any] | None, name: str | None = None
) -> tuple[list[Contact], dict[str, Any] | None]:
    """The org's contacts by name; with `name`, those whose name starts with it (case-insensitive)."""
    prefix = name.strip().lower() if name else ""
    with translated():
        page = query_page(
            ContactItem.INDEXES[schema.GSI1].partition_for(org_id=org_id),
            sort_condition=TableItem.gsi1sk.startswith(prefix) if prefix else None,
            index=schema.GSI1,
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, ContactItem)], page.last_key


def contact_key_page(
    org_id: str, kind: str, prefix: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[ContactKey], dict[str, Any] | None]:
    """Search by email or phone prefix: one Query of the org's key partition per page."""
    with translated():
        page = query_page(
            ContactKeyItem.KEY.partition_for(org_id=org_id),
            sort_condition=TableItem.sk.startswith(f"{kind}#{prefix}"),
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, ContactKeyItem)], page.last_key


def property_key_page(
    org_id: str, prefix: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[PropertyKey], dict[str, Any] | None]:
    with translated():
        page = query_page(
            PropertyKeyItem.KEY.partition_for(org_id=org_id),
            sort_condition=TableItem.sk.startswith(f"ADDR#{prefix}"),
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, PropertyKeyItem)], page.last_key


def properties_by_id(property_ids: list[str]) -> dict[str, Property]:
    if not property_ids:
        return {}
    keys = [PropertyItem.key_for(property_id=p) for p in property_ids]
    with translated():
        return {
            i.property_id: i.to_entity() for i in TableItem.batch_get(keys) if isinstance(i, PropertyItem)
        }


def due_leads(now_iso: str, *, limit: int = 200) -> list[Lead]:
    """New leads whose reminder time has come: one Query of the sparse due index."""
    with translated():
        page = query_page(
            LEAD_DUE_PARTITION,
            index=schema.GSI3,
            sort_condition=TableItem.gsi3sk <= f"{now_iso}#~",
            limit=limit,
        )
    return [i.to_entity() for i in page.items if isinstance(i, LeadItem)]


def org_coordinators(org_id: str) -> list[str]:
    """The org's coordinators' user ids: one Query of the staff index."""
    with translated():
        page = query_page(
            StaffItem.INDEXES[schema.GSI1].partition_for(org_id=org_id),
            index=schema.GSI1,
            sort_condition=TableItem.gsi1sk.startswith("coordinator#"),
            limit=100,
        )
    return [str(i.user_id) for i in page.items if isinstance(i, StaffItem)]
