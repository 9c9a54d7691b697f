"""E-signature items (docs/ESIGN.md); their keys are declared here, once.

DEAL#{deal_id}           ESIGN#{request_id}   the request's signature (outside the workspace range `W#`)
ESIGN#{org_id}#{envelope_id}   ENVELOPE       which deal and request an envelope belongs to (the webhook's
                                              one GetItem)
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.domain.esign import EnvelopeRef, Signature
from chalicelib.store.table import KeyFormat, TableItem, share_connection


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


class SignatureItem(TableItem, discriminator="Signature"):
    KEY = KeyFormat("DEAL#{deal_id}", "ESIGN#{request_id}")
    ENTITY = Signature

    deal_id = _text(False)
    request_id = _text(False)
    org_id = _text(False)
    attempt_id = _text(False)
    status = _text(False)
    provider = _text(False)
    document_id = _text(False)
    signers: ListAttribute[Any] = ListAttribute(null=True)
    requested_by = _text(False)
    requested_at = _text(False)
    version = NumberAttribute()
    envelope_id = _text()
    sent_at = _text()
    finished_at = _text()
    reason = _text()
    signed_upload_id = _text()


class EnvelopeItem(TableItem, discriminator="Envelope"):
    KEY = KeyFormat("ESIGN#{org_id}#{envelope_id}", "ENVELOPE")
    ENTITY = EnvelopeRef

    org_id = _text(False)
    envelope_id = _text(False)
    deal_id = _text(False)
    request_id = _text(False)
    created_at = _text(False)


ESIGN_ITEM_CLASSES: tuple[type[TableItem], ...] = (SignatureItem, EnvelopeItem)
share_connection(*ESIGN_ITEM_CLASSES)  # store/models.py: LAZY_ITEM_MODULES
