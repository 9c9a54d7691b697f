"""Change requests of a deal: the types the caller may submit, submit, list, read, decide, withdraw,
resubmit (docs/CHANGE_REQUESTS.md)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import page, page_params, query_param, route
from chalicelib.domain.errors import Invalid
from chalicelib.domain.responses import Page
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import change_request_views as cr_views
    from chalicelib.domain.access import Caller
    from chalicelib.domain.commands import (
        ChangeRequestDecisionIn,
        ChangeRequestResubmission,
        ChangeRequestSettingsIn,
        NewChangeRequest,
    )
    from chalicelib.services import change_requests as service
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    cr_views = LazyModule("chalicelib.domain.change_request_views")

change_requests = Blueprint(__name__)

ONE = "/v1/deals/{deal_id}/change-requests/{change_request_id}"


def _view(found: service.Found) -> cr_views.ChangeRequestOut:
    return cr_views.change_request_view(
        found.cr, found.ws.parties, found.access, cr_views.visible_items(found.ws, found.access)
    )


@route(
    change_requests,
    "/v1/deals/{deal_id}/change-request-types",
    "GET",
    summary="The change request types the caller may submit on this deal, each with its fields' JSON Schema",
)
def list_types(caller: Caller, deal_id: str) -> Page[cr_views.ChangeRequestTypeOut]:
    from chalicelib.services import change_requests as service

    types = cast("list[cr_views.ChangeRequestTypeOut]", service.submittable_types(caller, deal_id))
    return {"items": types, "next_cursor": None}


@route(
    change_requests,
    "/v1/deals/{deal_id}/change-requests",
    "POST",
    summary="Ask for a change (typed, approved, applied on approval)",
    body="NewChangeRequest",
    status=201,
)
def submit(caller: Caller, deal_id: str, body: NewChangeRequest) -> cr_views.ChangeRequestOut:
    from chalicelib.services import change_requests as service

    return _view(service.submit(caller, deal_id, body))


@route(
    change_requests,
    "/v1/deals/{deal_id}/change-requests",
    "GET",
    summary="The deal's change requests, newest first",
)
def list_requests(caller: Caller, request: Request, deal_id: str) -> Page[cr_views.ChangeRequestOut]:
    from chalicelib.services import change_requests as service

    limit, cursor = page_params(request)
    found = service.list_requests(
        caller, deal_id, status=query_param(request, "status"), limit=limit, cursor=cursor
    )
    return page(
        [
            cr_views.change_request_view(
                c, found.ws.parties, found.access, cr_views.visible_items(found.ws, found.access)
            )
            for c in found.items
        ],
        found.next_cursor,
    )


@route(change_requests, ONE, "GET", summary="One change request: status, decisions, whom it waits on")
def get_request(caller: Caller, deal_id: str, change_request_id: str) -> cr_views.ChangeRequestOut:
    from chalicelib.services import change_requests as service

    return _view(service.get(caller, deal_id, change_request_id))


@route(
    change_requests,
    ONE + "/decisions",
    "POST",
    summary="Approve, reject or ask for changes; the completing approval applies the change",
    body="ChangeRequestDecisionIn",
)
def decide(
    caller: Caller, deal_id: str, change_request_id: str, body: ChangeRequestDecisionIn
) -> cr_views.ChangeRequestOut:
    from chalicelib.services import change_requests as service

    return _view(service.decide(caller, deal_id, change_request_id, body))


@route(change_requests, ONE + "/withdraw", "POST", summary="Withdraw an open change request")
def withdraw(caller: Caller, deal_id: str, change_request_id: str) -> cr_views.ChangeRequestOut:
    from chalicelib.services import change_requests as service

    return _view(service.withdraw(caller, deal_id, change_request_id))


@route(
    change_requests,
    ONE + "/resubmissions",
    "POST",
    summary="Resubmit after changes were asked for: new fields, a new round of approvals",
    body="ChangeRequestResubmission",
)
def resubmit(
    caller: Caller, deal_id: str, change_request_id: str, body: ChangeRequestResubmission
) -> cr_views.ChangeRequestOut:
    from chalicelib.services import change_requests as service

    return _view(service.resubmit(caller, deal_id, change_request_id, body))


@route(
    change_requests,
    "/v1/admin/change-requests",
    "GET",
    summary="The org's open change requests, oldest first",
)
def open_requests(caller: Caller, request: Request) -> Page[dict[str, Any]]:
    from chalicelib.services import change_request_reports as reports

    limit, cursor = page_params(request)
    found = reports.open_requests(caller, query_param(request, "org_id"), limit=limit, cursor=cursor)
    return cast("Page[dict[str, Any]]", found)


@route(
    change_requests,
    "/v1/admin/change-requests/time-to-decision",
    "GET",
    summary="How long change requests take to decide, per workflow and type",
)
def time_to_decision(caller: Caller, request: Request) -> cr_views.ChangeRequestDecisionReport:
    from chalicelib.services import change_request_reports as reports

    found = reports.decision_report(
        caller, query_param(request, "org_id"), _day(request, "from"), _day(request, "to")
    )
    return cast("cr_views.ChangeRequestDecisionReport", found)


@route(
    change_requests,
    "/v1/admin/orgs/{org_id}/change-request-settings",
    "PUT",
    summary="Set the org's cost-approval threshold (admins)",
    body="ChangeRequestSettingsIn",
)
def put_settings(
    caller: Caller, org_id: str, body: ChangeRequestSettingsIn
) -> cr_views.ChangeRequestSettingsOut:
    from chalicelib.services import change_requests as service

    threshold = service.set_cost_approval_threshold(caller, org_id, body.cost_approval_threshold)
    return {"org_id": org_id, "cost_approval_threshold": threshold}


def _day(request: Request, name: str) -> date | None:
    value = query_param(request, name)
    try:
        return date.fromisoformat(value) if value is not None else None
    except ValueError:
        raise Invalid(f"{name} must be a date, YYYY-MM-DD", code="invalid_date") from None
