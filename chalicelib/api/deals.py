"""Deals: list, open, read (the workspace, filtered for the caller) and edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import (
    Answer,
    expected_version,
    not_modified,
    page,
    page_params,
    query_param,
    route,
    workspace_etag,
)
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller, DealAccess
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import views
    from chalicelib.domain.commands import DealPatch, NewDeal, TransitionIn
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    views = LazyModule("chalicelib.domain.views")

deals = Blueprint(__name__)


def workspace_response(
    ws: views.Workspace, access: DealAccess, created: bool = False, request: Request | None = None
) -> Answer[out.Deal]:
    """The workspace with its ETag; a GET whose If-None-Match names it is a 304 without a body."""
    body = views.deal_view(ws, access)
    tag = workspace_etag(ws.deal.version, body)
    headers = {"ETag": tag}
    if request is not None and not_modified(request, tag):
        return Answer(body, headers, not_modified=True)
    if created:
        headers["Location"] = f"/v1/deals/{ws.deal.deal_id}"
    return Answer(body, headers)


@route(deals, "/v1/deals", "GET", summary="My deals, newest activity first (staff may filter)")
def list_deals(caller: Caller, request: Request) -> out.Page[out.DealSummary]:
    from chalicelib.services import deals as deal_service

    limit, cursor = page_params(request)
    found, next_cursor = deal_service.list_deals(
        caller,
        limit=limit,
        cursor=cursor,
        org_id=query_param(request, "org_id"),
        workflow=query_param(request, "workflow"),
        stage=query_param(request, "stage"),
    )
    return page([views.deal_summary_view(s) for s in found], next_cursor)


@route(deals, "/v1/deals", "POST", summary="Open a deal from a workflow template", body="NewDeal", status=201)
def create_deal(caller: Caller, body: NewDeal) -> Answer[out.Deal]:
    from chalicelib.services import deals as deal_service

    ws, access = deal_service.create_deal(caller, body)
    return workspace_response(ws, access, created=True)


@route(deals, "/v1/deals/{deal_id}", "GET", summary="A deal's workspace, filtered for the caller")
def get_deal(caller: Caller, request: Request, deal_id: str) -> Answer[out.Deal]:
    from chalicelib.services import deals as deal_service

    ws, access = deal_service.get_workspace(caller, deal_id)
    return workspace_response(ws, access, request=request)


@route(
    deals, "/v1/deals/{deal_id}", "PATCH", summary="Edit details and key dates (If-Match)", body="DealPatch"
)
def patch_deal(caller: Caller, request: Request, deal_id: str, body: DealPatch) -> Answer[out.Deal]:
    from chalicelib.services import deal_edits

    ws, access = deal_edits.update_deal(caller, deal_id, body, expected_version(request, workspace=True))
    return workspace_response(ws, access)


@route(
    deals,
    "/v1/deals/{deal_id}/transitions",
    "POST",
    summary="Move the deal to another stage (definition of done, or an override with a reason)",
    body="TransitionIn",
)
def transition(caller: Caller, request: Request, deal_id: str, body: TransitionIn) -> Answer[out.Deal]:
    from chalicelib.services import transitions

    version = expected_version(request, workspace=True) if request.headers.get("if-match") else None
    ws, access = transitions.transition(caller, deal_id, body, version)
    return workspace_response(ws, access)
