"""Parties of a deal: invite and revoke."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.http import route
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import views
    from chalicelib.domain.commands import PartyIn
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    views = LazyModule("chalicelib.domain.views")

parties = Blueprint(__name__)


@route(parties, "/v1/deals/{deal_id}/parties", "POST", summary="Invite a party", body="PartyIn", status=201)
def add_party(caller: Caller, deal_id: str, body: PartyIn) -> out.Party:
    from chalicelib.services import parties as party_service

    party, access = party_service.add_party(caller, deal_id, body)
    return views.party_view(party, access)


@route(
    parties, "/v1/deals/{deal_id}/parties/{user_id}", "DELETE", summary="Revoke a party, effective at once"
)
def revoke_party(caller: Caller, deal_id: str, user_id: str) -> out.Party:
    from chalicelib.services import parties as party_service

    party, access = party_service.revoke_party(caller, deal_id, user_id)
    return views.party_view(party, access)
