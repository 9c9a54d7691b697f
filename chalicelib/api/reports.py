"""Ops reports (admins and coordinators): time in stage, overdue tasks, missing documents, activation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import page_params, query_param, route
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import Invalid
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")

reports = Blueprint(__name__)


def _date(request: Request, name: str) -> date | None:
    value = query_param(request, name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name} must be a date, YYYY-MM-DD", code="invalid_date") from None


@route(reports, "/v1/admin/reports/{name}", "GET", summary="An ops report (docs/REPORTS.md)")
def get_report(caller: Caller, request: Request, name: str) -> acc.Report:
    from chalicelib.services import reports as report_service  # rarely used: loaded on first use

    limit, cursor = page_params(request)
    # each report has its own rows (docs/REPORTS.md); the contract tests check them against Report
    return cast(
        "acc.Report",
        report_service.report(
            caller,
            name,
            org_id=query_param(request, "org_id"),
            workflow=query_param(request, "workflow"),
            first=_date(request, "from"),
            last=_date(request, "to"),
            limit=limit,
            cursor=cursor,
        ),
    )
