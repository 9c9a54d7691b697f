"""Activity exports (admins and coordinators): a deal's or the org's log as CSV / JSON Lines in S3."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import Answer, query_param, route
from chalicelib.clock import iso
from chalicelib.domain.access import Caller
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
    from chalicelib.domain.commands import ActivityExportIn
    from chalicelib.services.exports import Export
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")

exports = Blueprint(__name__)


def export_view(export: Export) -> acc.ActivityExport:
    """A ready export carries its link; a running one its progress (poll `GET /v1/admin/exports/{id}`); a
    failed one its reason."""
    out: acc.ActivityExport = {
        "id": export.export_id,
        "status": export.status,
        "format": export.format,
        "from": export.span.first.isoformat(),
        "to": export.span.last.isoformat(),
        "count": export.count,
        "progress": {"events": export.count, "bytes": export.bytes, "parts": export.parts},
    }
    if export.ready and export.url and export.expires_at:
        out["url"] = export.url
        out["expires_at"] = iso(export.expires_at)
    if export.failure:
        out["failure"] = export.failure
    return out


def _answer(export: Export, created: bool) -> Answer[acc.ActivityExport]:
    """201 (or 200 on a poll) once it has ended (ready with the link, or failed); 202 with the job's address
    while it runs."""
    location = {"Location": f"/v1/admin/exports/{export.export_id}"}
    status = 202 if export.status == "running" else (201 if created else 200)
    return Answer(export_view(export), location, status=status)


@route(
    exports,
    "/v1/admin/deals/{deal_id}/activity-export",
    "POST",
    summary="Export a deal's activity log (presigned link)",
    body="ActivityExportIn",
    status=201,
)
def export_deal_activity(caller: Caller, deal_id: str, body: ActivityExportIn) -> Answer[acc.ActivityExport]:
    from chalicelib.services import exports as export_service  # rarely used: loaded on first use

    return _answer(export_service.export_deal(caller, deal_id, body.format, body.from_, body.to), True)


@route(
    exports,
    "/v1/admin/activity-export",
    "POST",
    summary="Export the org's activity log for a date range (presigned link)",
    body="ActivityExportIn",
    status=201,
)
def export_org_activity(caller: Caller, body: ActivityExportIn) -> Answer[acc.ActivityExport]:
    from chalicelib.services import exports as export_service

    return _answer(export_service.export_org(caller, body.org_id, body.format, body.from_, body.to), True)


@route(
    exports,
    "/v1/admin/exports/{export_id}",
    "GET",
    summary="An export: its progress while it runs (the export worker moves it on), its link once ready",
)
def get_export(caller: Caller, request: Request, export_id: str) -> Answer[acc.ActivityExport]:
    from chalicelib.services import exports as export_service

    return _answer(export_service.export_status(caller, export_id, query_param(request, "org_id")), False)
