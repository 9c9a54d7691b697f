"""Activity exports (admins and coordinators): a deal's or the org's log as CSV / JSON Lines in S3."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.http import route
from chalicelib.clock import iso
from chalicelib.domain.access import Caller
from chalicelib.domain.account_responses import ActivityExport

if TYPE_CHECKING:
    from chalicelib.domain.commands import ActivityExportIn
    from chalicelib.services.exports import Export

exports = Blueprint(__name__)


def export_view(export: Export) -> ActivityExport:
    return {
        "id": export.export_id,
        "url": export.url,
        "expires_at": iso(export.expires_at),
        "format": export.format,
        "from": export.span.first.isoformat(),
        "to": export.span.last.isoformat(),
        "count": export.count,
    }


@route(
    exports,
    "/v1/admin/deals/{deal_id}/activity-export",
    "POST",
    summary="Export a deal's activity log (presigned link)",
    body="ActivityExportIn",
    status=201,
)
def export_deal_activity(caller: Caller, deal_id: str, body: ActivityExportIn) -> ActivityExport:
    from chalicelib.services import exports as export_service  # rarely used: loaded on first use

    return export_view(export_service.export_deal(caller, deal_id, body.format, body.from_, body.to))


@route(
    exports,
    "/v1/admin/activity-export",
    "POST",
    summary="Export the org's activity log for a date range (presigned link)",
    body="ActivityExportIn",
    status=201,
)
def export_org_activity(caller: Caller, body: ActivityExportIn) -> ActivityExport:
    from chalicelib.services import exports as export_service

    return export_view(export_service.export_org(caller, body.org_id, body.format, body.from_, body.to))
