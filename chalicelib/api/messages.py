"""Deal messages and internal notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import page, page_params, route
from chalicelib.domain import responses as out
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import views
    from chalicelib.domain.access import Caller
    from chalicelib.domain.commands import NewMessage
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    views = LazyModule("chalicelib.domain.views")

messages = Blueprint(__name__)


@route(
    messages, "/v1/deals/{deal_id}/messages", "GET", summary="Messages (and, for staff, notes), newest first"
)
def list_messages(caller: Caller, request: Request, deal_id: str) -> out.Page[out.Message]:
    from chalicelib.services import messages as message_service

    limit, cursor = page_params(request)
    found, next_cursor, access = message_service.list_messages(caller, deal_id, limit=limit, cursor=cursor)
    return page([views.message_view(m, access) for m in found], next_cursor)


@route(
    messages,
    "/v1/deals/{deal_id}/messages",
    "POST",
    summary="Post a message or an internal note",
    body="NewMessage",
    status=201,
)
def post_message(caller: Caller, deal_id: str, body: NewMessage) -> out.Message:
    from chalicelib.services import messages as message_service

    message, access = message_service.post_message(caller, deal_id, body)
    return views.message_view(message, access)
