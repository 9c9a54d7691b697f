"""The lead queue (docs/INTAKE.md): list, read, move, convert. Staff of the lead's org; agents work the
leads routed to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import Answer, etag, page, page_params, query_param, route
from chalicelib.domain.responses import Page
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import intake_responses as out
    from chalicelib.domain import intake_views
    from chalicelib.domain.access import Caller
    from chalicelib.domain.intake_commands import LeadConversion, LeadStatusChange
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    out = LazyModule("chalicelib.domain.intake_responses")
    intake_views = LazyModule("chalicelib.domain.intake_views")

leads = Blueprint(__name__)

ONE = "/v1/admin/leads/{lead_id}"


@route(
    leads,
    "/v1/admin/leads",
    "GET",
    summary="The lead queue, oldest first within a status (filter status, owner)",
)
def list_leads(caller: Caller, request: Request) -> Page[out.LeadOut]:
    from chalicelib.services import leads as service

    limit, cursor = page_params(request)
    items, next_cursor = service.list_leads(
        caller,
        org_id=query_param(request, "org_id"),
        status=query_param(request, "status"),
        owner=query_param(request, "owner"),
        limit=limit,
        cursor=cursor,
    )
    return page([intake_views.lead_view(lead) for lead in items], next_cursor)


@route(leads, ONE, "GET", summary="One lead")
def get_lead(caller: Caller, lead_id: str) -> Answer[out.LeadOut]:
    from chalicelib.services import leads as service

    lead = service.get_lead(caller, lead_id)
    return Answer(intake_views.lead_view(lead), {"ETag": etag(lead.version)})


@route(
    leads,
    ONE + "/status",
    "POST",
    summary="Move a lead: contacted, qualified, disqualified (reason required)",
    body="LeadStatusChange",
)
def move_lead(caller: Caller, request: Request, lead_id: str, body: LeadStatusChange) -> Answer[out.LeadOut]:
    from chalicelib.api.http import expected_version
    from chalicelib.services import leads as service

    expected = expected_version(request) if request.headers.get("if-match") else None
    lead = service.move(caller, lead_id, body, expected)
    return Answer(intake_views.lead_view(lead), {"ETag": etag(lead.version)})


@route(
    leads,
    ONE + "/convert",
    "POST",
    summary="Open the scenario's deal from the lead, with the person as client and the routed agent",
    body="LeadConversion",
)
def convert_lead(caller: Caller, lead_id: str, body: LeadConversion) -> Answer[out.LeadOut]:
    from chalicelib.services import leads as service

    converted = service.convert(caller, lead_id, body)
    return Answer(intake_views.lead_view(converted.lead), {"Location": f"/v1/deals/{converted.deal.deal_id}"})
