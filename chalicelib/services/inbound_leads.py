"""Inbound leads from a CRM (docs/CRM_IN.md): an org's signing secret (admins create, rotate and disable
it; coordinators read whether it is on), and the signed receiver, which creates the lead through the
intake's own path (services/intake.py: validation, duplicates, routing, the queue, notifications)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.domain import inbound_leads as rules
from chalicelib.domain import intake
from chalicelib.domain.access import Caller
from chalicelib.domain.entities import Org
from chalicelib.domain.errors import Conflict, Forbidden, Invalid, NotFound, PayloadTooLarge, Unauthenticated
from chalicelib.domain.events import EventType
from chalicelib.observability import logger, metrics
from chalicelib.services import intake as intake_service
from chalicelib.services.activity import org_event
from chalicelib.store import idempotency, rate_limits
from chalicelib.store import inbound_leads as store
from chalicelib.store import intake as intake_store
from chalicelib.store import orgs as org_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.inbound_lead_commands import InboundLead
    from chalicelib.domain.intake_commands import IntakeSubmission

MAX_BODY_BYTES = intake_service.MAX_BODY_BYTES
PER_ADDRESS = (300, 600)  # attempts per source address per 10 minutes, before verification
PER_ORG = (120, 600)  # verified deliveries per org slug per 10 minutes
_WEBHOOK_ID = re.compile(r"^[\x21-\x7e]{1,255}$")


def _refused() -> Unauthenticated:
    """One answer for an unknown org, disabled inbound, a missing, bad or stale signature."""
    return Unauthenticated("the delivery's signature could not be verified", code="invalid_signature")


# -- admin ---------------------------------------------------------------------------------------------------


def _org(caller: Caller, org_id: str | None, *, changing: bool) -> Org:
    """Admins manage the secret; coordinators may read the settings; agents 403; anyone else 404."""
    if org_id is None:
        if len(caller.staff) > 1:
            raise Invalid(
                "you are staff of several organizations: say which with org_id", code="org_id_required"
            )
        org_id = caller.staff[0].org_id if caller.staff else None
    role = caller.staff_role(org_id) if org_id else None
    org = org_store.get_org(org_id) if org_id and role else None
    if org is None or role is None:
        raise NotFound("organization not found")
    if not rules.may(role, change=changing):
        raise Forbidden(
            "only the org's admins manage inbound leads" if changing else "admins and coordinators only"
        )
    return org


def settings_of(caller: Caller, org_id: str | None) -> tuple[Org, rules.InboundLeads | None]:
    org = _org(caller, org_id, changing=False)
    return org, store.get(org.org_id)


def rotate_secret(
    caller: Caller, org_id: str | None, overlap_hours: int, now: datetime
) -> tuple[Org, rules.InboundLeads]:
    """Create the org's secret, or replace it (the replaced one verifies for `overlap_hours` more).
    Audited: `inbound_leads.secret_rotated` names who, when and the overlap, never the secret."""
    org = _org(caller, org_id, changing=True)
    before = store.get(org.org_id, consistent=True)
    after = rules.rotated(before, org.org_id, rules.new_secret(), now, timedelta(hours=overlap_hours))
    uow = UnitOfWork()
    store.save(uow, before, after)
    uow.record(
        org_event(
            org.org_id, caller.actor, EventType.INBOUND_LEADS_SECRET_ROTATED,
            "Inbound-lead secret created" if before is None or not before.enabled
            else "Inbound-lead secret rotated",
            data={"overlap_hours": overlap_hours if before is not None and before.enabled else 0},
        )
    )  # fmt: skip
    uow.commit()
    return org, after


def disable(caller: Caller, org_id: str | None, now: datetime) -> tuple[Org, rules.InboundLeads | None]:
    """Every secret stops verifying at once. Disabling what is off changes nothing and records nothing."""
    org = _org(caller, org_id, changing=True)
    before = store.get(org.org_id, consistent=True)
    if before is None or (not before.enabled and before.previous_secret is None):
        return org, before
    after = rules.disabled(before, now)
    uow = UnitOfWork()
    store.save(uow, before, after)
    uow.record(
        org_event(
            org.org_id, caller.actor, EventType.INBOUND_LEADS_DISABLED, "Inbound leads disabled", data={}
        )
    )
    uow.commit()
    return org, after


# -- the signed receiver -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    org_id: str
    scope: str  # the idempotency claim's: the org and the sender's webhook-id
    fingerprint: str
    repeat: bool  # this webhook-id was received before: answered the same, nothing done again


def verify(
    slug: str, raw: bytes, headers: Mapping[str, str], source_ip: str | None, now: datetime
) -> Delivery:
    """Two limits: per source address before anything else (unsigned floods count there), then per org
    slug once the signature holds — so a stranger's garbage cannot use up a brokerage's CRM feed. In
    between, the size and the signature, against the org's current and overlapping previous secret:
    anything wrong with the org, the settings or the signature is the same 401."""
    _limit(f"inbound-ip:{source_ip or 'unknown'}", PER_ADDRESS, now)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the delivery is larger than {MAX_BODY_BYTES} bytes", code="payload_too_large")
    org_id = intake_store.org_by_slug(slug) if intake.SLUG.fullmatch(slug) else None
    settings = store.get(org_id) if org_id else None
    webhook_id = headers.get("webhook-id") or ""
    if org_id is None or settings is None or not _WEBHOOK_ID.fullmatch(webhook_id):
        raise _refused()
    if not _signed(settings.verifying_secrets(now), raw, headers):
        metrics.add_metric(name="InboundLeadRefused", unit="Count", value=1)
        logger.info("inbound lead refused: signature", extra={"org_id": org_id})
        raise _refused()
    _limit(f"inbound:{slug}", PER_ORG, now)
    scope = f"inbound#{org_id}#{hashlib.sha256(webhook_id.encode()).hexdigest()}"
    fingerprint = hashlib.sha256(raw).hexdigest()
    seen = idempotency.lookup(scope)
    if seen is not None and seen.fingerprint != fingerprint:
        raise Conflict("this webhook-id was already used for another delivery", code="webhook_id_reused")
    return Delivery(org_id, scope, fingerprint, repeat=seen is not None)


def _limit(scope: str, limit: tuple[int, int], now: datetime) -> None:
    wait = rate_limits.hit(scope, limit=limit[0], window_seconds=limit[1], now=now)
    if wait is not None:
        metrics.add_metric(name="InboundLeadRateLimited", unit="Count", value=1)
        raise intake_service.RateLimited(wait)


def _signed(secrets: list[str], raw: bytes, headers: Mapping[str, str]) -> bool:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    signed = {
        name: headers.get(name) or "" for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
    }
    for secret in secrets:
        try:
            Webhook(secret).verify(raw, signed, json_parse=False)
            return True
        except WebhookVerificationError:
            continue
    return False


def receive(delivery: Delivery, lead: InboundLead, now: datetime) -> None:
    """The lead, through the intake's own path. The idempotency claim rides in the lead's transaction, so
    a repeat (even a concurrent twin) never creates a second lead; a delivery that failed part-way wrote
    nothing and is simply done again when the sender retries."""
    from chalicelib.domain.intake_commands import IntakeSubmission

    if delivery.repeat:
        return
    command: IntakeSubmission = IntakeSubmission.model_construct(
        scenario=lead.scenario, contact=lead.contact, answers=dict(lead.answers), property=lead.property,
        website=None,
    )  # fmt: skip
    origin = rules.LeadOrigin("crm", lead.source, lead.external_id)
    try:
        intake_service.record(
            delivery.org_id,
            command,
            now,
            origin=origin,
            before_attempt=lambda: idempotency.open_claim(delivery.scope, delivery.fingerprint),
        )
    except idempotency.Replay:
        logger.info("inbound lead: a concurrent repeat landed first", extra={"org_id": delivery.org_id})
        return
    metrics.add_metric(name="InboundLeadsReceived", unit="Count", value=1)
