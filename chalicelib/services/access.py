"""Loading a deal together with the caller's standing on it: the authorization reads of every
deal-scoped request. Unreachable or malformed → NotFound, before anything else is looked at."""

from __future__ import annotations

from chalicelib import ids
from chalicelib.domain.access import Caller, DealAccess, require_access
from chalicelib.domain.entities import Deal, Party
from chalicelib.domain.errors import Invalid, NotFound
from chalicelib.domain.views import Workspace
from chalicelib.store import deals as deal_store
from chalicelib.store import users as user_store

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


def require_org_staff(org_id: str, user_id: str | None, *, field: str) -> None:
    """A user named in an internal field (the deal's internal owner) must be staff of the deal's org:
    a rival brokerage's user, or a client, is refused without saying which (422)."""
    if user_id is None:
        return
    if not ids.looks_like("u", user_id) or user_store.staff_role_by_id(user_id, org_id) is None:
        raise Invalid(
            f"{field.replace('_', ' ')} must be staff of the deal's organization",
            code="not_org_staff",
            details={"field": field},
        )
