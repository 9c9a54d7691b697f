"""My notifications: preferences, the in-app feed with read markers, and the unsubscribe link."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import page, page_params, route
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
    from chalicelib.domain import notification_views
    from chalicelib.domain.commands import NotificationRulesIn, PreferencesPatch
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")
    notification_views = LazyModule("chalicelib.domain.notification_views")

notifications = Blueprint(__name__)


@route(notifications, "/v1/me/preferences", "GET", summary="My notification preferences")
def get_preferences(caller: Caller) -> acc.Preferences:
    from chalicelib.services import notifications as service

    return notification_views.preferences_view(service.preferences(caller))


@route(
    notifications,
    "/v1/me/preferences",
    "PUT",
    summary="Update notification preferences (the keys sent)",
    body="PreferencesPatch",
)
def put_preferences(caller: Caller, body: PreferencesPatch) -> acc.Preferences:
    from chalicelib.services import notifications as service

    return notification_views.preferences_view(service.update_preferences(caller, body))


@route(notifications, "/v1/notifications", "GET", summary="My in-app notifications, newest first")
def list_notifications(caller: Caller, request: Request) -> out.Page[acc.Notification]:
    from chalicelib.services import notifications as service

    limit, cursor = page_params(request)
    items, next_cursor = service.feed(caller, limit=limit, cursor=cursor)
    return page([notification_views.notification_view(n) for n in items], next_cursor)


@route(notifications, "/v1/notifications/{notification_id}/read", "POST", summary="Mark a notification read")
def read_notification(caller: Caller, notification_id: str) -> acc.ReadMarker:
    from chalicelib.services import notifications as service

    service.mark_read(caller, notification_id)
    return {"id": notification_id, "read": True}


@route(
    notifications,
    "/v1/unsubscribe/{token}",
    "POST",
    summary="Stop email, from the link in any email (no login)",
    auth=False,
)
def unsubscribe(token: str) -> acc.Unsubscribed:
    from chalicelib.services import notifications as service

    service.unsubscribe(token)
    return {"unsubscribed": ["email"]}


@route(
    notifications,
    "/v1/admin/orgs/{org_id}/notification-rules",
    "GET",
    summary="The org's overrides of the notification rules",
)
def get_org_rules(caller: Caller, org_id: str) -> acc.NotificationRules:
    from chalicelib.services import notifications as service

    return cast("acc.NotificationRules", {"overrides": service.org_rules(caller, org_id)})


@route(
    notifications,
    "/v1/admin/orgs/{org_id}/notification-rules",
    "PUT",
    summary="Replace the org's overrides of the notification rules (admin)",
    body="NotificationRulesIn",
)
def put_org_rules(caller: Caller, org_id: str, body: NotificationRulesIn) -> acc.NotificationRules:
    from chalicelib.services import notifications as service

    return cast("acc.NotificationRules", {"overrides": service.set_org_rules(caller, org_id, body)})
