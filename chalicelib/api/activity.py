"""A deal's activity log, newest first, filtered for the caller."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import page, page_params, route
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import views
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    views = LazyModule("chalicelib.domain.views")

activity = Blueprint(__name__)


@route(activity, "/v1/deals/{deal_id}/activity", "GET", summary="A deal's activity log, newest first")
def list_activity(caller: Caller, request: Request, deal_id: str) -> out.Page[out.ActivityEvent]:
    from chalicelib.services import activity as activity_service

    limit, cursor = page_params(request)
    events, next_cursor, access = activity_service.deal_activity(caller, deal_id, limit=limit, cursor=cursor)
    return page([views.activity_view(e, access) for e in events], next_cursor)
