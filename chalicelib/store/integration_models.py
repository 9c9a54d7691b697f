"""Items of issue 16's integrations; their keys are declared here, once (docs/DATA_MODEL.md).

APICLIENT#{client_id}     APICLIENT       an API client, read on every request it makes (GetItem)
  GSI1  ORG#{org_id}#APICLIENTS / {created_at}#{client_id}       the org's clients, oldest first
CALFEED#{token_hash}      CALFEED         a calendar feed URL's token, by its SHA-256 (GetItem per fetch)
CALENDAR#{user_id}        CALENDAR        a person's current feed: the hash of its token and the nonce the
                                          token is derived from (never the token itself)
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.domain.api_clients import ApiClient
from chalicelib.domain.calendar_feeds import CalendarFeed, FeedToken
from chalicelib.store import schema
from chalicelib.store.table import KeyFormat, TableItem, share_connection


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


class ApiClientItem(TableItem, discriminator="ApiClient"):
    KEY = KeyFormat("APICLIENT#{client_id}", "APICLIENT")
    INDEXES = {schema.GSI1: KeyFormat("ORG#{org_id}#APICLIENTS", "{created_at}#{client_id}")}
    ENTITY = ApiClient

    client_id = _text(False)
    org_id = _text(False)
    org_name = _text()
    name = _text(False)
    scopes = ListAttribute(null=True)  # type: ignore[var-annotated]
    status = _text(False)
    created_at = _text(False)
    created_by = _text(False)
    version = NumberAttribute()
    revoked_at = _text()
    revoked_by = _text()


class CalendarFeedItem(TableItem, discriminator="CalendarFeed"):
    """A person's current feed. Holds the token's hash and the nonce it is derived from with the
    server's secret, so `GET /v1/me/calendar` can show the URL again without storing it."""

    KEY = KeyFormat("CALENDAR#{user_id}", "CALENDAR")
    ENTITY = CalendarFeed

    user_id = _text(False)
    email = _text(False)
    nonce = _text()
    token_hash = _text()
    created_at = _text()
    version = NumberAttribute()


class FeedTokenItem(TableItem, discriminator="CalendarFeedToken"):
    """One feed URL's token, by hash: what the public feed route reads. A rotated or revoked token keeps
    its item with `revoked_at`, so the route answers 404 (a revoked token is never reused: 256 bits)."""

    KEY = KeyFormat("CALFEED#{token_hash}", "CALFEED")
    ENTITY = FeedToken

    token_hash = _text(False)
    user_id = _text(False)
    email = _text(False)
    created_at = _text(False)
    revoked_at = _text()


INTEGRATION_ITEM_CLASSES: tuple[type[TableItem], ...] = (ApiClientItem, CalendarFeedItem, FeedTokenItem)
share_connection(*INTEGRATION_ITEM_CLASSES)  # store/models.py: LAZY_ITEM_MODULES
