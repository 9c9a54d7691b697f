"""The public intake form of an org (no auth; docs/INTAKE.md): read the form, send it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import route
from chalicelib.domain.errors import Invalid, PayloadTooLarge
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import intake_responses as out
else:  # the feature's shapes load with its first request (chalicelib/lazy.py)
    out = LazyModule("chalicelib.domain.intake_responses")

intake = Blueprint(__name__)

RECEIVED: out.IntakeReceived = {"status": "received"}


@route(
    intake,
    "/v1/orgs/{org_slug}/intake-form",
    "GET",
    summary="An org's intake form: its scenarios, their questions and checklists (no auth)",
    auth=False,
)
def intake_form(request: Request, org_slug: str) -> out.IntakeForm:
    from chalicelib.domain.intake_views import form_view
    from chalicelib.services import intake as service

    service.limit_source(_source_ip(request), service.now(), reading=True)
    name, settings = service.org_form(org_slug)
    return form_view(name, settings)


@route(
    intake,
    "/v1/orgs/{org_slug}/intake",
    "POST",
    summary="Send the intake form (no auth, rate-limited); the answer never says whether you were known",
    auth=False,
    status=201,
)
def submit_intake(request: Request, org_slug: str) -> out.IntakeReceived:
    """The body is read here rather than by the route decorator so the per-address rate limit counts
    every attempt, malformed ones included, before anything else is done."""
    from chalicelib.api.http import parse_body
    from chalicelib.domain.intake_commands import IntakeSubmission
    from chalicelib.services import intake as service

    now = service.now()
    service.limit_source(_source_ip(request), now)
    raw = request.raw_body or b""
    if len(raw) > service.MAX_BODY_BYTES:
        raise PayloadTooLarge(
            f"the form is larger than {service.MAX_BODY_BYTES} bytes", code="payload_too_large"
        )
    data = raw if isinstance(raw, bytes) else raw.encode()
    try:
        command = parse_body(data, IntakeSubmission)
    except Invalid as invalid:  # the shape's problems and the answers' together
        if invalid.code == "invalid_fields" and isinstance(invalid.details, list):
            reported = {d["field"] for d in invalid.details}
            more = [p for p in service.answer_problems(org_slug, data) if p["field"] not in reported]
            invalid.details = [*invalid.details, *more]
        raise
    service.submit(org_slug, command, now)
    return dict(RECEIVED)  # type: ignore[return-value]


def _source_ip(request: Request) -> str | None:
    """API Gateway's view of the caller's address (never a header the caller could set)."""
    identity = (request.context or {}).get("identity") or {}
    ip = identity.get("sourceIp")
    return str(ip) if ip else None
