"""Loading a deal together with the caller's standing on it: the authorization reads of every
deal-scoped request. Unreachable or malformed → NotFound, before anything else is looked at."""

from __future__ import annotations

from chalicelib import ids
from chalicelib.domain.access import Caller, DealAccess, require_access
from chalicelib.domain.entities import Deal, Party
from chalicelib.domain.errors import NotFound
from chalicelib.domain.views import Workspace
from chalicelib.store import deals as deal_store

DEAL_ID_PREFIX = "dl"


def _check_id(deal_id: str) -> None:
    if not ids.looks_like(DEAL_ID_PREFIX, deal_id):
        raise NotFound("deal not found")


def deal_header_access(caller: Caller, deal_id: str) -> tuple[Deal, list[Party], DealAccess]:
    """The deal and its parties (one Query) and the caller's access."""
    _check_id(deal_id)
    deal, parties = deal_store.load_header(deal_id)
    access = require_access(caller, deal, parties)
    assert deal is not None
    return deal, parties, access


def workspace_access(caller: Caller, deal_id: str) -> tuple[Workspace, DealAccess]:
    """The whole workspace (one Query) and the caller's access."""
    _check_id(deal_id)
    ws = deal_store.load_workspace(deal_id)
    access = require_access(caller, ws.deal if ws else None, ws.parties if ws else [])
    assert ws is not None
    return ws, access
