"""Items of intake, contacts and properties (docs/INTAKE.md, docs/DATA_MODEL.md); keys declared once.

ORGSLUG#{slug}          ORGSLUG                 the org a public intake URL names (unique: conditional put)
ORG#{org_id}            INTAKE                  the org's form overrides, routing rules and reminder windows
ORG#{org_id}#ROUTING    RULE#{rule}             a routing rule's round-robin counter (conditional increment)
ORG#{org_id}#CKEY       EMAIL#{email}           a contact's normalized email → contact (unique in the org;
                        PHONE#{e164}            Query begins_with: search by email or phone prefix)
ORG#{org_id}#PKEY       ADDR#{address key}      a property's normalized address + unit → property
CONTACT#{contact_id}    CONTACT                 the contact
  GSI1  ORG#{org_id}#CONTACTS / {name}#{id}     the org's contacts by name (sparse: not merged away)
LEAD#{lead_id}          LEAD                    the lead
  GSI1  ORG#{org_id}#LEADS / {status}#{created_at}#{id}                   the queue, by status
  GSI2  ORG#{org_id}#LEADS#OWNER#{owner} / {status}#{created_at}#{id}    an owner's queue (sparse)
  GSI3  LEADDUE / {remind_at}#{id}                                         uncontacted leads (sparse: new)
RATE#{scope}#{window}   RATE                    a rate-limit window's counter (TTL)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.domain.contacts import Contact, Lead
from chalicelib.domain.intake import LeadStatus
from chalicelib.store import schema
from chalicelib.store.table import KeyFormat, TableItem, share_connection

LEAD_DUE_PARTITION = "LEADDUE"


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


@dataclass
class OrgSlug:
    slug: str
    org_id: str


@dataclass
class OrgIntake:
    org_id: str
    settings: dict[str, Any]


@dataclass
class ContactKey:
    org_id: str
    key_kind: str  # EMAIL, PHONE
    value: str
    contact_id: str
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass
class PropertyKey:
    org_id: str
    address_key: str
    property_id: str


@dataclass
class RoutingCounter:
    org_id: str
    rule: str
    turns: int = 0


class OrgSlugItem(TableItem, discriminator="OrgSlug"):
    KEY = KeyFormat("ORGSLUG#{slug}", "ORGSLUG")
    ENTITY = OrgSlug

    slug = _text(False)
    org_id = _text(False)


class OrgIntakeItem(TableItem, discriminator="OrgIntake"):
    KEY = KeyFormat("ORG#{org_id}", "INTAKE")
    ENTITY = OrgIntake

    org_id = _text(False)
    settings: MapAttribute[str, Any] = MapAttribute(null=True)


class RoutingCounterItem(TableItem, discriminator="RoutingCounter"):
    KEY = KeyFormat("ORG#{org_id}#ROUTING", "RULE#{rule}")
    ENTITY = RoutingCounter

    org_id = _text(False)
    rule = _text(False)
    turns = NumberAttribute(default=0)


class ContactKeyItem(TableItem, discriminator="ContactKey"):
    KEY = KeyFormat("ORG#{org_id}#CKEY", "{key_kind}#{value}")
    ENTITY = ContactKey

    org_id = _text(False)
    key_kind = _text(False)
    value = _text(False)
    contact_id = _text(False)
    name = _text(False)
    email = _text()
    phone = _text()


class PropertyKeyItem(TableItem, discriminator="PropertyKey"):
    KEY = KeyFormat("ORG#{org_id}#PKEY", "ADDR#{address_key}")
    ENTITY = PropertyKey

    org_id = _text(False)
    address_key = _text(False)
    property_id = _text(False)


class ContactItem(TableItem, discriminator="Contact"):
    KEY = KeyFormat("CONTACT#{contact_id}", "CONTACT")
    INDEXES = {schema.GSI1: KeyFormat("ORG#{org_id}#CONTACTS", "{name_sort}#{contact_id}")}
    INDEX_DEPENDS = {schema.GSI1: frozenset({"merged_into", "name"})}
    ENTITY = Contact

    contact_id = _text(False)
    org_id = _text(False)
    name = _text(False)
    created_at = _text(False)
    email = _text()
    phone = _text()
    company = _text()
    preferred_channel = _text()
    roles = ListAttribute(null=True)  # type: ignore[var-annotated]
    user_id = _text()
    source = _text(False)
    open_lead_id = _text()
    deal_ids = ListAttribute(null=True)  # type: ignore[var-annotated]
    merged_into = _text()
    merged_at = _text()
    version = NumberAttribute()

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        values["name_sort"] = str(self.name or "").strip().lower()[:60]
        return values

    def index_enabled(self, index: str) -> bool:
        return not self.merged_into


class LeadItem(TableItem, discriminator="Lead"):
    KEY = KeyFormat("LEAD#{lead_id}", "LEAD")
    INDEXES = {
        schema.GSI1: KeyFormat("ORG#{org_id}#LEADS", "{status}#{created_at}#{lead_id}"),
        schema.GSI2: KeyFormat("ORG#{org_id}#LEADS#OWNER#{owner_user_id}", "{status}#{created_at}#{lead_id}"),
        schema.GSI3: KeyFormat(LEAD_DUE_PARTITION, "{remind_at}#{lead_id}"),
    }
    INDEX_DEPENDS = {schema.GSI3: frozenset({"status", "reminded"})}
    ENTITY = Lead

    lead_id = _text(False)
    org_id = _text(False)
    scenario = _text(False)
    status = _text(False)
    contact_id = _text(False)
    contact_name = _text(False)
    created_at = _text(False)
    updated_at = _text(False)
    answers: MapAttribute[str, Any] = MapAttribute(null=True)
    property_id = _text()
    owner_user_id = _text()
    routed_by = _text()
    candidates = ListAttribute(null=True)  # type: ignore[var-annotated]
    linked_deal_ids = ListAttribute(null=True)  # type: ignore[var-annotated]
    submissions = NumberAttribute(default=1)
    contacted_at = _text()
    disqualify_reason = _text()
    deal_id = _text()
    converted_at = _text()
    remind_at = _text()
    reminded = _text()
    source = _text()  # absent on leads written before CRM inbound: the form's
    source_name = _text()
    external_id = _text()
    version = NumberAttribute()

    def index_enabled(self, index: str) -> bool:
        if index == schema.GSI3:
            return self.status == LeadStatus.NEW.value and self.reminded != "escalated"
        return True


class RateLimitItem(TableItem, discriminator="RateLimit"):
    KEY = KeyFormat("RATE#{scope}#{window}", "RATE")

    scope = _text(False)
    window = _text(False)
    hits = NumberAttribute(null=True)


INTAKE_ITEM_CLASSES: tuple[type[TableItem], ...] = (
    OrgSlugItem,
    OrgIntakeItem,
    RoutingCounterItem,
    ContactKeyItem,
    PropertyKeyItem,
    ContactItem,
    LeadItem,
    RateLimitItem,
)
share_connection(*INTAKE_ITEM_CLASSES)  # store/models.py: LAZY_ITEM_MODULES
