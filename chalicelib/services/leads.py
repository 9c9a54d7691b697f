"""The lead queue and qualification (docs/INTAKE.md): list, move, convert into a deal."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib import clock, ids
from chalicelib.domain import intake, plan, workflows
from chalicelib.domain.access import Caller
from chalicelib.domain.contacts import Contact, Lead
from chalicelib.domain.entities import Address, Deal, Party, Property, StageChange
from chalicelib.domain.errors import Forbidden, Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyRole, StaffRole
from chalicelib.observability import metrics
from chalicelib.services.activity import deal_event, org_event
from chalicelib.services.deals import check_key_dates, new_party
from chalicelib.store import cursors
from chalicelib.store import deals as deal_store
from chalicelib.store import intake as store
from chalicelib.store import plan as plan_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.intake_commands import LeadConversion, LeadStatusChange


def lead_org(caller: Caller, org_id: str | None) -> tuple[str, StaffRole]:
    """The org whose leads the caller works: any staff role; staff of several orgs name it."""
    if org_id is not None:
        role = caller.staff_role(org_id)
        if role is None:
            raise NotFound("organization not found")
        return org_id, role
    if not caller.staff:
        raise Forbidden("leads are for brokerage staff", code="staff_only")
    if len(caller.staff) > 1:
        raise Invalid("you are staff of several organizations: say which with org_id", code="org_id_required")
    return caller.staff[0].org_id, caller.staff[0].role


def list_leads(
    caller: Caller,
    *,
    org_id: str | None,
    status: str | None,
    owner: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Lead], str | None]:
    """Admins and coordinators see the org's queue; an agent sees the leads routed to them."""
    org, role = lead_org(caller, org_id)
    if status is not None and status not in {s.value for s in intake.LeadStatus}:
        raise Invalid(
            "status is one of new, contacted, qualified, converted, disqualified", code="invalid_status"
        )
    if role is StaffRole.AGENT:
        if owner not in (None, caller.user_id):
            raise Forbidden("agents see the leads routed to them", code="own_leads_only")
        owner = caller.user_id
    scope = f"leads:{caller.user_id}:{org}:{status}:{owner}"
    items, last = store.lead_page(
        org, status=status, owner=owner, limit=limit, start=cursors.decode(scope, cursor)
    )
    return items, cursors.encode(scope, last)


def _reachable(caller: Caller, lead_id: str) -> tuple[Lead, StaffRole]:
    lead = store.get_lead(lead_id) if ids.looks_like("ld", lead_id) else None
    role = caller.staff_role(lead.org_id) if lead else None
    if lead is None or role is None:
        raise NotFound("lead not found")
    if role is StaffRole.AGENT and lead.owner_user_id != caller.user_id:
        raise Forbidden("agents work the leads routed to them", code="own_leads_only")
    return lead, role


def get_lead(caller: Caller, lead_id: str) -> Lead:
    return _reachable(caller, lead_id)[0]


def move(caller: Caller, lead_id: str, command: LeadStatusChange, expected: int | None) -> Lead:
    lead, _ = _reachable(caller, lead_id)
    to = intake.LeadStatus(command.status)
    intake.check_move(lead.status, to, command.reason)
    if expected is not None and expected != lead.version:
        from chalicelib.domain.errors import PreconditionFailed

        raise PreconditionFailed("the lead changed since you read it", code="stale_version")
    now = clock.now()
    after = dataclasses.replace(
        lead,
        status=to,
        updated_at=now,
        version=lead.version + 1,
        contacted_at=lead.contacted_at or (now if to is not intake.LeadStatus.DISQUALIFIED else None),
        disqualify_reason=command.reason if to is intake.LeadStatus.DISQUALIFIED else None,
        remind_at=None,
    )
    uow = UnitOfWork()
    store.change_lead(uow, lead, after)
    data = {"lead_id": lead.lead_id, "scenario": lead.scenario, "from": lead.status.value, "to": to.value}
    if command.reason:
        data["reason"] = command.reason
    uow.record(
        org_event(
            lead.org_id, caller.actor, EventType.LEAD_STATUS_CHANGED, f"Lead moved to {to.value}", data=data
        )
    )
    if to is intake.LeadStatus.DISQUALIFIED:
        _close_on_contact(uow, lead)
    uow.commit()
    return after


def _close_on_contact(uow: UnitOfWork, lead: Lead, deal_id: str | None = None) -> None:
    """The contact's open lead is this one no more (a later submission opens a new lead)."""
    contact = store.get_contact(lead.contact_id)
    if contact is None or contact.open_lead_id != lead.lead_id:
        return
    after = dataclasses.replace(
        contact,
        open_lead_id=None,
        deal_ids=[*contact.deal_ids, deal_id] if deal_id else contact.deal_ids,
        version=contact.version + 1,
    )
    store.change_contact(uow, contact, after)


@dataclass(frozen=True)
class Converted:
    lead: Lead
    deal: Deal


def convert(caller: Caller, lead_id: str, command: LeadConversion) -> Converted:
    """Open the scenario's deal with the intake answers, the person as client (invited) and the routed
    agent, and close the lead on it — one transaction. A converted lead answers its deal again."""
    lead, _ = _reachable(caller, lead_id)
    if lead.status is intake.LeadStatus.CONVERTED and lead.deal_id:
        deal, _ = deal_store.load_header(lead.deal_id)
        if deal is not None:
            return Converted(lead, deal)
    if lead.status not in intake.OPEN_STATUSES:
        from chalicelib.domain.errors import Conflict

        raise Conflict(f"the lead is {lead.status.value}", code="lead_closed")
    org, stored = store.org_and_settings(lead.org_id)
    assert org is not None
    scenario = intake.settings_for(stored).scenario(lead.scenario)
    if scenario is None:
        raise Invalid("the lead's scenario is no longer on the form", code="unknown_scenario")
    template = workflows.latest(scenario.workflow)
    check_key_dates(template, command.key_dates)
    contact, prop = _person_and_place(lead)
    now = clock.now()
    key_dates = dict(command.key_dates)
    if template.opened_on:
        from zoneinfo import ZoneInfo

        key_dates.setdefault(template.opened_on, now.astimezone(ZoneInfo(org.time_zone)).date())
    deal = Deal(
        deal_id=ids.new_id("dl"), org_id=org.org_id, workflow=template.workflow, template_version=template.version,  # noqa: E501
        title=command.title or f"{contact.name} — {scenario.label}", stage=template.first_stage.key,
        stage_entered_at=now, property_id=prop.property_id, address=prop.address, unit=prop.unit, created_at=now,  # noqa: E501
        created_by=caller.user_id, last_activity_at=now, key_dates=template.derive_key_dates(key_dates),
        time_zone=org.time_zone, internal_owner_user_id=lead.owner_user_id,
    )  # fmt: skip
    uow = UnitOfWork()
    deal_store.add_deal(uow, deal)
    parties = _parties(uow, caller, deal, contact, lead)
    for party in parties:
        deal_store.add_party(uow, party, deal)
    tasks, requests = plan.instantiate(template, deal, parties, now)
    for task in tasks:
        plan_store.add_task(uow, task, with_new_deal=True)
    for request in requests:
        plan_store.add_document_request(uow, request, with_new_deal=True)
    deal_store.add_stage_change(
        uow,
        StageChange(
            deal.deal_id,
            ids.new_id("sc"),
            deal.stage,
            now,
            caller.user_id,
            caller.label,
            reason="Opened from a lead",
        ),
    )
    after = dataclasses.replace(
        lead, status=intake.LeadStatus.CONVERTED, deal_id=deal.deal_id, converted_at=now, updated_at=now,
        contacted_at=lead.contacted_at or now, remind_at=None, version=lead.version + 1,
    )  # fmt: skip
    store.change_lead(uow, lead, after)
    _close_on_contact(uow, lead, deal.deal_id)
    uow.record(
        deal_event(
            deal, caller.actor, EventType.DEAL_CREATED, f"{caller.label} opened {deal.title} from a lead",
            data={
                "workflow": deal.workflow, "stage": deal.stage,
                "parties": [{"user_id": p.user_id, "role": p.role.value} for p in parties],
                "tasks": len(tasks), "document_requests": len(requests), "lead_id": lead.lead_id,
                "answers": lead.answers,
            },
            at=now,
        )
    )  # fmt: skip
    uow.record(
        org_event(
            lead.org_id, caller.actor, EventType.LEAD_CONVERTED, f"Lead converted into {deal.title}",
            data={"lead_id": lead.lead_id, "scenario": lead.scenario, "deal_id": deal.deal_id},
        )
    )  # fmt: skip
    uow.commit()
    metrics.add_metric(name="LeadsConverted", unit="Count", value=1)
    return Converted(after, deal)


def _person_and_place(lead: Lead) -> tuple[Contact, Property]:
    matched = store.second_read(lead.contact_id, lead.property_id, org_id=lead.org_id, rule=None)
    if matched.contact is None or not matched.contact.email:
        raise NotFound("lead not found")
    if matched.property is None:
        raise Invalid(
            "this lead names no property: add one to the lead's contact first",
            code="property_required",
        )
    return matched.contact, matched.property


def _parties(uow: UnitOfWork, caller: Caller, deal: Deal, contact: Contact, lead: Lead) -> list[Party]:
    """The routed agent (staff: joins at once) and the person as client (invited: the portal invitation
    goes out with the commit)."""
    from chalicelib.domain.commands import PartyIn

    wanted: list[tuple[str, PartyRole, str | None, str | None]] = []
    owner = user_store.user_by_id(lead.owner_user_id) if lead.owner_user_id else None
    if owner is not None:
        wanted.append((owner.email, PartyRole.AGENT, owner.name, None))
    assert contact.email
    wanted.append((contact.email, PartyRole.CLIENT, contact.name, contact.phone))
    known = user_store.lookup([w[0] for w in wanted], deal.org_id)
    parties = []
    for email, role, name, phone in wanted:
        party_in = PartyIn.model_validate({"email": email, "role": role, "name": name, "phone": phone})
        parties.append(new_party(uow, deal, party_in, known.get(email), caller.user_id))
    return parties


def address_of(prop: Property) -> Address:
    return prop.address
