"""Uncontacted leads (docs/INTAKE.md): a lead still `new` after its org's contact window reminds its owner;
still `new` after the escalation delay, its org's coordinators are told. Called by the reminder sweep.

Each step is one transaction: the lead's move along the due index, conditional on its version (of two
sweeps at once, one sends), with the event the outbox turns into notifications."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain import intake
from chalicelib.domain.contacts import Lead
from chalicelib.domain.entities import SYSTEM
from chalicelib.domain.errors import Conflict
from chalicelib.domain.events import EventType
from chalicelib.observability import logger
from chalicelib.services.activity import org_event
from chalicelib.store import intake as store
from chalicelib.store.unit_of_work import UnitOfWork

OWNER, ESCALATED = "owner", "escalated"


def sweep(now: datetime) -> tuple[int, int]:
    """(reminders, escalations) sent this round."""
    reminders = escalations = 0
    settings: dict[str, intake.IntakeSettings] = {}
    for lead in store.due_leads(clock_iso(now)):
        if lead.status is not intake.LeadStatus.NEW:
            continue
        if lead.org_id not in settings:
            settings[lead.org_id] = intake.settings_for(store.org_and_settings(lead.org_id)[1])
        try:
            step = _step(lead, settings[lead.org_id], now)
        except Conflict:  # a concurrent sweep or a staff move got there first
            logger.info("lead reminder skipped: the lead moved")
            continue
        reminders += step == OWNER
        escalations += step == ESCALATED
    if reminders or escalations:
        logger.info("lead reminders", extra={"reminders": reminders, "escalations": escalations})
    return reminders, escalations


def _step(lead: Lead, form: intake.IntakeSettings, now: datetime) -> str:
    escalate = lead.reminded == OWNER or not lead.owner_user_id
    step = ESCALATED if escalate else OWNER
    after = dataclasses.replace(
        lead,
        reminded=step,
        remind_at=None if escalate else now + timedelta(hours=form.escalate_after_hours),
        version=lead.version + 1,
    )
    data: dict[str, Any] = {
        "lead_id": lead.lead_id,
        "scenario": lead.scenario,
        "owner_user_id": lead.owner_user_id,
    }
    kind = EventType.LEAD_ESCALATED if escalate else EventType.LEAD_REMINDER_SENT
    words = "escalated to the coordinators" if escalate else "owner reminded"
    uow = UnitOfWork()
    store.change_lead(uow, lead, after)
    uow.record(org_event(lead.org_id, SYSTEM, kind, f"Lead not contacted: {words}", data=data))
    uow.commit()
    return step


def clock_iso(now: datetime) -> str:
    from chalicelib.clock import iso

    return iso(now)
