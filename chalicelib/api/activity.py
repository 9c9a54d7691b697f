"""A deal's activity log, newest first, filtered for the caller."""

from __future__ import annotations

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import page, page_params, route
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller
from chalicelib.domain.views import activity_view
from chalicelib.services import activity as activity_service

activity = Blueprint(__name__)


@route(activity, "/v1/deals/{deal_id}/activity", "GET", summary="A deal's activity log, newest first")
def list_activity(caller: Caller, request: Request, deal_id: str) -> out.Page[out.ActivityEvent]:
    limit, cursor = page_params(request)
    events, next_cursor, access = activity_service.deal_activity(caller, deal_id, limit=limit, cursor=cursor)
    return page([activity_view(e, access) for e in events], next_cursor)
