"""Inbound leads from a CRM (docs/CRM_IN.md): the org's signing secret for admins, and the signed public
receiver that turns a delivery into an intake lead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib import clock
from chalicelib.api.http import parse_body, query_param, route
from chalicelib.clock import iso
from chalicelib.domain.errors import Invalid
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import inbound_lead_responses as out
    from chalicelib.domain import inbound_leads as inbound
    from chalicelib.domain.access import Caller
    from chalicelib.domain.entities import Org
    from chalicelib.domain.inbound_lead_commands import InboundLead
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    out = LazyModule("chalicelib.domain.inbound_lead_responses")
    inbound = LazyModule("chalicelib.domain.inbound_leads")

inbound_leads = Blueprint(__name__)

SETTINGS = "/v1/admin/inbound-leads"
RECEIVED: out.InboundLeadReceived = {"status": "received"}


@route(
    inbound_leads, SETTINGS, "GET", summary="Whether the org receives CRM leads, and where (never the secret)"
)
def inbound_settings(caller: Caller, request: Request) -> out.InboundLeadsOut:
    from chalicelib.services import inbound_leads as service

    org, settings = service.settings_of(caller, query_param(request, "org_id"))
    return _view(org, settings, request, SETTINGS)


@route(
    inbound_leads,
    SETTINGS + "/secret",
    "POST",
    summary="Create or rotate the org's inbound-lead secret: shown once; the old one verifies a while longer",
    status=201,
)
def rotate_secret(caller: Caller, request: Request) -> out.InboundSecretOut:
    """The body is optional: `{"overlap_hours"?}` (24 by default) or nothing at all."""
    from chalicelib.domain.inbound_lead_commands import InboundSecretRotation
    from chalicelib.services import inbound_leads as service

    raw = request.raw_body or b""
    data = raw.encode() if isinstance(raw, str) else raw
    overlap = parse_body(data, InboundSecretRotation).overlap_hours if data.strip() else 24
    org, settings = service.rotate_secret(caller, query_param(request, "org_id"), overlap, clock.now())
    assert settings.secret is not None
    view = _view(org, settings, request, SETTINGS + "/secret")
    return {**view, "secret": settings.secret}


@route(inbound_leads, SETTINGS, "DELETE", summary="Disable inbound leads: no secret verifies any more")
def disable_inbound(caller: Caller, request: Request) -> out.InboundLeadsOut:
    from chalicelib.services import inbound_leads as service

    org, settings = service.disable(caller, query_param(request, "org_id"), clock.now())
    return _view(org, settings, request, SETTINGS)


@route(
    inbound_leads,
    "/v1/orgs/{org_slug}/leads/inbound",
    "POST",
    summary="A signed lead from a CRM (Standard Webhooks); becomes an intake lead (no bearer auth)",
    auth=False,
    status=202,
)
def receive_lead(request: Request, org_slug: str) -> out.InboundLeadReceived:
    """Verified before the body is parsed: an unsigned caller learns nothing about the payload's shape."""
    from chalicelib.api.intake import _source_ip
    from chalicelib.services import inbound_leads as service

    now = clock.now()
    raw = request.raw_body or b""
    data = raw if isinstance(raw, bytes) else raw.encode()
    headers = {name.lower(): str(value) for name, value in (request.headers or {}).items()}
    delivery = service.verify(org_slug, data, headers, _source_ip(request), now)
    if not delivery.repeat:
        service.receive(delivery, _parsed(org_slug, data), now)
    return dict(RECEIVED)  # type: ignore[return-value]


def _parsed(org_slug: str, data: bytes) -> InboundLead:
    """The lead, or one 422 with the shape's problems and the answers' together, as the form answers."""
    from chalicelib.domain.inbound_lead_commands import InboundLead
    from chalicelib.services.intake import answer_problems

    try:
        lead: InboundLead = parse_body(data, InboundLead)
    except Invalid as invalid:
        if invalid.code == "invalid_fields" and isinstance(invalid.details, list):
            reported = {d["field"] for d in invalid.details}
            more = [p for p in answer_problems(org_slug, data) if p["field"] not in reported]
            invalid.details = [*invalid.details, *more]
        raise
    return lead


def _view(
    org: Org, settings: inbound.InboundLeads | None, request: Request, route_path: str
) -> out.InboundLeadsOut:
    path = inbound.receiver_path(org.slug or "")
    return {
        "org_id": org.org_id,
        "enabled": bool(settings and settings.enabled),
        "path": path,
        "url": _base_url(request, route_path) + path if _base_url(request, route_path) else None,
        "secret_created_at": iso(settings.secret_created_at)
        if settings and settings.secret_created_at
        else None,
        "previous_secret_expires_at": (
            iso(settings.previous_expires_at) if settings and settings.previous_expires_at else None
        ),
        "updated_at": iso(settings.updated_at) if settings else None,
        "version": settings.version if settings else 0,
    }


def _base_url(request: Request, route_path: str) -> str:
    """The API's base URL as this request reached it (API Gateway's domain and, on its own domain, the
    stage prefix): empty when the request does not say (a test client)."""
    context = request.context or {}
    domain = context.get("domainName")
    full = str(context.get("path") or "")
    if not domain:
        return ""
    prefix = full[: -len(route_path)] if full.endswith(route_path) else ""
    return f"https://{domain}{prefix}"
