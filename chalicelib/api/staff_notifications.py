"""Staff list one person's notifications, newest first, to resend one from the list (the reference portal's
resend screen; docs/NOTIFICATIONS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import page, page_params, query_param, route
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")

staff_notifications = Blueprint(__name__)


@route(
    staff_notifications,
    "/v1/admin/users/{user_id}/notifications",
    "GET",
    summary="A person's notifications from the org on one channel, newest first (admins, coordinators)",
)
def list_sent(caller: Caller, request: Request, user_id: str) -> out.Page[acc.AdminNotification]:
    from chalicelib.domain.notification_views import admin_notification_view
    from chalicelib.services import staff_notifications as service

    limit, cursor = page_params(request)
    items, next_cursor = service.sent_to(
        caller,
        user_id,
        org_id=query_param(request, "org_id"),
        channel=query_param(request, "channel"),
        deal_id=query_param(request, "deal_id"),
        limit=limit,
        cursor=cursor,
    )
    return page([admin_notification_view(n) for n in items], next_cursor)
