"""The item of an org's inbound-lead settings (docs/CRM_IN.md, docs/DATA_MODEL.md); key declared once.

ORG#{org_id}            INBOUND                 the signing secrets (current, previous until its overlap ends)
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.domain.inbound_leads import InboundLeads
from chalicelib.store.table import KeyFormat, TableItem, share_connection


class InboundLeadsItem(TableItem, discriminator="InboundLeads"):
    KEY = KeyFormat("ORG#{org_id}", "INBOUND")
    ENTITY = InboundLeads

    org_id = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    secret = UnicodeAttribute(null=True)
    secret_created_at = UnicodeAttribute(null=True)
    previous_secret = UnicodeAttribute(null=True)
    previous_expires_at = UnicodeAttribute(null=True)
    version = NumberAttribute()


share_connection(InboundLeadsItem)  # store/models.py: LAZY_ITEM_MODULES
