"""Admin panel: user management (admins only) and the pipeline (admins and coordinators).

Rarely used: each view loads its service on first use, so the API's cold start does not pay for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import page, page_params, parse_body, query_param, route
from chalicelib.clock import now
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller
from chalicelib.domain.roles import UserStatus
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
    from chalicelib.domain import admin_views, views
    from chalicelib.domain.commands import ReasonIn, StaffRoleChange, TaskReassign
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")
    admin_views = LazyModule("chalicelib.domain.admin_views")
    views = LazyModule("chalicelib.domain.views")

admin = Blueprint(__name__)


@route(admin, "/v1/admin/users/{user_id}/deactivate", "POST", summary="Deactivate a user", body="ReasonIn")
def deactivate_user(caller: Caller, user_id: str, body: ReasonIn) -> acc.ManagedUser:
    from chalicelib.services import admin_users

    target = admin_users.set_status(caller, user_id, UserStatus.DEACTIVATED, body.reason)
    return admin_views.managed_user_view(target.user, target.staff)


@route(admin, "/v1/admin/users/{user_id}/reactivate", "POST", summary="Reactivate a user", body="ReasonIn")
def reactivate_user(caller: Caller, user_id: str, body: ReasonIn) -> acc.ManagedUser:
    from chalicelib.services import admin_users

    target = admin_users.set_status(caller, user_id, UserStatus.ACTIVE, body.reason)
    return admin_views.managed_user_view(target.user, target.staff)


@route(
    admin,
    "/v1/admin/users/{user_id}/staff-role",
    "PUT",
    summary="Change a staff role",
    body="StaffRoleChange",
)
def change_staff_role(caller: Caller, user_id: str, body: StaffRoleChange) -> acc.StaffRoleChanged:
    from chalicelib.services import admin_users

    membership = admin_users.change_staff_role(caller, user_id, body.org_id, body.role, body.reason)
    return {"user_id": membership.user_id, **admin_views.staff_view(membership)}


@route(admin, "/v1/admin/pipeline", "GET", summary="Deals by workflow and stage, longest in stage first")
def get_pipeline(caller: Caller, request: Request) -> out.Page[out.PipelineItem]:
    from chalicelib.services import pipeline as pipeline_service
    from chalicelib.store.deals import summary_of

    limit, cursor = page_params(request)
    found, next_cursor = pipeline_service.pipeline(
        caller,
        org_id=query_param(request, "org_id"),
        workflow=query_param(request, "workflow"),
        stage=query_param(request, "stage"),
        limit=limit,
        cursor=cursor,
    )
    return page([admin_views.pipeline_item_view(d, summary_of(d), now()) for d in found], next_cursor)


@route(admin, "/v1/admin/activity", "GET", summary="The org's own log (user management, exports, imports)")
def get_org_activity(caller: Caller, request: Request) -> out.Page[out.ActivityEvent]:
    from chalicelib.services import pipeline as pipeline_service

    limit, cursor = page_params(request)
    events, next_cursor = pipeline_service.org_activity(
        caller, org_id=query_param(request, "org_id"), limit=limit, cursor=cursor
    )
    return page([views.activity_view(e, None) for e in events], next_cursor)


@route(
    admin,
    "/v1/admin/tasks/reassign",
    "POST",
    summary="Move open tasks to a new owner, on one deal or across the org",
    body="TaskReassign",
)
def reassign_tasks(caller: Caller, body: TaskReassign) -> acc.Reassigned:
    from chalicelib.services import reassign as reassign_service

    result = reassign_service.reassign(
        caller,
        from_user_id=body.from_user_id,
        to_user_id=body.to_user_id,
        reason=body.reason,
        deal_id=body.deal_id,
        org_id=body.org_id,
    )
    return cast("acc.Reassigned", result.as_dict())


@route(
    admin,
    "/v1/admin/notifications/{notification_id}/resend",
    "POST",
    summary="Send a notification again (a new notification; the original is unchanged)",
    status=201,
)
def resend_notification(caller: Caller, notification_id: str, request: Request) -> acc.AdminNotification:
    """The body is optional: `{"reason"?}` or nothing at all."""
    from chalicelib.domain import commands
    from chalicelib.domain.notification_views import admin_notification_view
    from chalicelib.services import notification_resend

    raw = request.raw_body or b""
    data = raw.encode() if isinstance(raw, str) else raw
    reason = parse_body(data, commands.NotificationResendIn).reason if data.strip() else None
    return admin_notification_view(notification_resend.resend(caller, notification_id, reason))
