"""The public intake (docs/INTAKE.md): an org's form by slug, and a submission that becomes a lead —
rate-limited, validated whole, matched against the people and places the org already knows, routed, and
written in one transaction. The answer never says whether the person was known."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain import intake, matching
from chalicelib.domain.contacts import Contact, Lead
from chalicelib.domain.entities import SYSTEM, Address, Property, User
from chalicelib.domain.errors import Conflict, Invalid, NotFound, TooManyRequests
from chalicelib.domain.events import EventType
from chalicelib.domain.inbound_leads import FORM, LeadOrigin
from chalicelib.domain.roles import UserStatus
from chalicelib.observability import logger, metrics
from chalicelib.services.activity import org_event
from chalicelib.store import intake as store
from chalicelib.store import rate_limits
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.intake_commands import IntakeSubmission

MAX_BODY_BYTES = 16 * 1024
PER_IP = (20, 600)  # submissions per source address per 10 minutes
PER_EMAIL = (5, 3600)  # submissions per normalized email per hour
FORM_READS_PER_IP = (120, 600)  # reads of a form per source address per 10 minutes (its own counter)
ATTEMPTS = 3  # a routing turn taken by a concurrent submission: the submission is planned again


class RateLimited(TooManyRequests):
    def __init__(self, retry_after: int) -> None:
        super().__init__("too many submissions; try again later", code="rate_limited")
        self.retry_after = retry_after


def org_form(slug: str) -> tuple[str, intake.IntakeSettings]:
    """The org's name and form: 404 `org_not_found` for a slug no org has (nothing else is said)."""
    org_id = store.org_by_slug(slug) if intake.SLUG.fullmatch(slug) else None
    org, stored = store.org_and_settings(org_id) if org_id else (None, None)
    if org is None:
        raise NotFound("no intake form here", code="org_not_found")
    return org.name, intake.settings_for(stored)


def answer_problems(slug: str, raw: bytes) -> list[dict[str, str]]:
    """The answers' problems of a submission whose shape was refused, so one 422 lists every problem."""
    import json

    try:
        data = json.loads(raw)
    except ValueError:
        return []
    answers = data.get("answers", {}) if isinstance(data, dict) else None
    if not isinstance(answers, dict) or not isinstance(data.get("scenario"), str):
        return []
    org_id = store.org_by_slug(slug) if intake.SLUG.fullmatch(slug) else None
    if org_id is None:
        return []
    scenario = intake.settings_for(store.org_and_settings(org_id)[1]).scenario(data["scenario"])
    return intake.check_answers(scenario, answers) if scenario else []


def limit_source(source_ip: str | None, now: datetime, *, reading: bool = False) -> None:
    scope, (limit, window) = ("form-ip", FORM_READS_PER_IP) if reading else ("ip", PER_IP)
    wait = rate_limits.hit(f"{scope}:{source_ip or 'unknown'}", limit=limit, window_seconds=window, now=now)
    if wait is not None:
        metrics.add_metric(name="IntakeRateLimited", unit="Count", value=1)
        raise RateLimited(wait)


def submit(slug: str, command: IntakeSubmission, now: datetime) -> None:
    """Record the submission (or fold it into the person's open lead). Returns nothing the caller could
    tell a known person from an unknown one by."""
    if command.website:  # the honeypot: answered like any other, written nowhere
        metrics.add_metric(name="IntakeHoneypot", unit="Count", value=1)
        return
    wait = rate_limits.hit(
        f"email:{command.contact.email}", limit=PER_EMAIL[0], window_seconds=PER_EMAIL[1], now=now
    )
    if wait is not None:
        raise RateLimited(wait)
    org_id = store.org_by_slug(slug) if intake.SLUG.fullmatch(slug) else None
    if org_id is None:
        raise NotFound("no intake form here", code="org_not_found")
    record(org_id, command, now)


def record(
    org_id: str,
    command: IntakeSubmission,
    now: datetime,
    *,
    origin: LeadOrigin = FORM,
    before_attempt: Callable[[], None] | None = None,
) -> None:
    """The submission's lead, planned again when a concurrent one took its routing turn or its keys.
    `before_attempt` runs before each plan (a signed CRM delivery opens its idempotency claim again: a
    failed commit used it up; docs/CRM_IN.md)."""
    for attempt in range(ATTEMPTS):
        if before_attempt is not None:
            before_attempt()
        try:
            _record(org_id, command, now, origin)
            return
        except Conflict as conflict:
            if conflict.code not in {
                "routing_turn_taken",
                "already_exists",
                "contact_exists",
                "property_exists",
            }:
                raise
            if attempt == ATTEMPTS - 1:
                raise Conflict("busy; send it again", code="write_conflict") from None
            logger.info("intake replanned after a concurrent submission")


def _checked(
    command: IntakeSubmission, stored: dict[str, Any] | None
) -> tuple[intake.IntakeSettings, intake.Scenario]:
    """Every problem of the submission at once (422 `invalid_fields`), before anything is written."""
    settings = intake.settings_for(stored)
    scenario = settings.scenario(command.scenario)
    if scenario is None:
        problem = {"field": "scenario", "problem": "not a scenario of this form", "type": "unknown_scenario"}
        raise Invalid(
            "some fields are missing, unknown or of the wrong type", code="invalid_fields", details=[problem]
        )
    problems = intake.check_answers(scenario, command.answers)
    if scenario.property_required and command.property is None:
        problems.append(
            {"field": "property", "problem": "this scenario needs the property", "type": "missing"}
        )
    if problems:
        raise Invalid(
            "some fields are missing, unknown or of the wrong type", code="invalid_fields", details=problems
        )
    return settings, scenario


def _record(org_id: str, command: IntakeSubmission, now: datetime, origin: LeadOrigin = FORM) -> None:
    person = command.contact
    place = command.property
    address = Address(**place.address.model_dump()) if place else None
    address_key = matching.address_key(address, place.unit) if address and place else None
    found = store.known(org_id, email=person.email, phone=person.phone, address_key=address_key)
    if found.org is None:
        raise NotFound("no intake form here", code="org_not_found")
    settings, scenario = _checked(command, found.settings)
    rule = settings.routing.pick(
        scenario.key, address.postal_code if address else None, address.city if address else None
    )
    rotating = rule is not None and len(rule.team) > 1
    contact_key = found.by_email or found.by_phone
    second = store.second_read(
        contact_key.contact_id if contact_key else None,
        found.property_key.property_id if found.property_key else None,
        org_id=org_id,
        rule=rule.name if rule and rotating else None,
    )
    contact, prop = second.contact, second.property
    open_lead = store.get_lead(contact.open_lead_id) if contact and contact.open_lead_id else None
    uow = UnitOfWork()
    if (
        open_lead is not None
        and open_lead.status in intake.OPEN_STATUSES
        and open_lead.scenario == scenario.key
    ):
        _fold(uow, open_lead, command, now)
        return
    lead_id = ids.new_id("ld")
    user = found.user or _new_user(uow, person.email, person.name, person.phone, now)
    candidates: list[matching.Candidate] = []
    if contact is None:
        contact = Contact(
            ids.new_id("ct"), org_id, person.name, now, email=person.email, phone=person.phone,
            user_id=user.user_id, source=origin.source, roles=[_role_of(scenario.key)], open_lead_id=lead_id,
        )  # fmt: skip
        candidates = _near(org_id, person.email, person.name, contact.contact_id, prop)
        store.add_contact(uow, contact)
    else:
        after = dataclasses.replace(contact, open_lead_id=lead_id, version=contact.version + 1)
        store.change_contact(uow, contact, after)
    if address is not None and prop is None:
        prop = Property(
            ids.new_id("p"), org_id, address, now, unit=place.unit if place else None, address_key=address_key,  # noqa: E501
            contact_ids=[contact.contact_id],
        )  # fmt: skip
        store.add_property(uow, prop)
    elif prop is not None:
        store.link_contact_to_property(uow, prop, contact.contact_id)
    owner = None
    if rule is not None:
        turn = second.counter
        owner = intake.round_robin(rule.team, turn)
        if rotating:
            store.next_in_rotation(uow, org_id, rule.name, turn)
    lead = Lead(
        lead_id=lead_id, org_id=org_id, scenario=scenario.key, status=intake.LeadStatus.NEW,
        contact_id=contact.contact_id, contact_name=contact.name, created_at=now, updated_at=now,
        answers=dict(command.answers), property_id=prop.property_id if prop else None, owner_user_id=owner,
        routed_by=rule.name if rule else None,
        candidates=[dataclasses.asdict(c) for c in candidates],
        linked_deal_ids=list(contact.deal_ids), remind_at=settings.first_reminder_at(now),
        source=origin.source, source_name=origin.source_name, external_id=origin.external_id,
    )  # fmt: skip
    store.add_lead(uow, lead)
    uow.record(
        org_event(
            org_id, SYSTEM, EventType.LEAD_RECEIVED, f"New {scenario.label.lower()} lead from {origin.label}",
            data={
                "lead_id": lead.lead_id, "scenario": lead.scenario, "owner_user_id": owner,
                "person_user_id": user.user_id if origin.welcomes else None, "routed_by": lead.routed_by,
                "candidates": [c.id for c in candidates],
            },
        )
    )  # fmt: skip
    uow.commit()
    metrics.add_metric(name="LeadsReceived", unit="Count", value=1)


def _fold(uow: UnitOfWork, lead: Lead, command: IntakeSubmission, now: datetime) -> None:
    """The same person and scenario again while their lead is open: linked to it, not duplicated."""
    after = dataclasses.replace(
        lead, answers={**lead.answers, **command.answers}, submissions=lead.submissions + 1, updated_at=now,
        version=lead.version + 1,
    )  # fmt: skip
    store.change_lead(uow, lead, after)
    uow.record(
        org_event(
            lead.org_id, SYSTEM, EventType.LEAD_RESUBMITTED, "The same person sent the form again",
            data={"lead_id": lead.lead_id, "scenario": lead.scenario, "submissions": after.submissions},
        )
    )  # fmt: skip
    uow.commit()


def _near(
    org_id: str, email: str, name: str, contact_id: str, prop: Property | None
) -> list[matching.Candidate]:
    """Near-duplicates of a new contact, for staff: an email a typo or two away (one Query of the org's
    email keys that start alike) and, at a known property, a similar name among the people linked to it."""
    neighbours = store.email_neighbours(org_id, matching.email_neighbourhood(email))
    found = matching.similar_emails(email, [(k.contact_id, k.email or "") for k in neighbours])
    if prop is not None and prop.contact_ids:
        named = store.contact_names(prop.contact_ids)
        found += matching.similar_names(name, [(cid, n) for cid, n in named.items() if cid != contact_id])
    return found[:5]


def _new_user(uow: UnitOfWork, email: str, name: str, phone: str | None, now: datetime) -> User:
    """The person's user, so the welcome email honours preferences like every notification; it reaches
    nothing until an invitation gives it a deal."""
    user = User(ids.new_id("u"), email, UserStatus.ACTIVE, now, name=name, phone=phone)
    user_store.add_user(uow, user)
    return user


def _role_of(scenario: str) -> str:
    return {
        "buy": "buyer",
        "sell": "seller",
        "rent": "tenant",
        "invest": "investor",
        "maintenance": "tenant",
    }.get(scenario, "other")


def now() -> datetime:
    return clock.now()
