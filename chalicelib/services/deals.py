"""Deals: open one from a template (staff, or a tenant's maintenance request), read the workspace, list."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from chalicelib import clock, ids
from chalicelib.domain import plan, workflows
from chalicelib.domain.access import Action, Caller, DealAccess, require_ops, resolve_access
from chalicelib.domain.entities import Address, Deal, DealSummary, Org, Party, Property, StageChange, User
from chalicelib.domain.errors import Forbidden, Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyRole, PartyStatus, StaffRole, UserStatus
from chalicelib.domain.views import Workspace
from chalicelib.observability import metrics
from chalicelib.services import accounts, activation, deal_templates
from chalicelib.services.access import require_org_staff, workspace_access
from chalicelib.services.activity import deal_event
from chalicelib.store import cursors
from chalicelib.store import deals as deal_store
from chalicelib.store import orgs as org_store
from chalicelib.store import plan as plan_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import AddressIn, NewDeal, PartyIn

CREATOR_PARTY_ROLE = {StaffRole.AGENT: PartyRole.AGENT, StaffRole.COORDINATOR: PartyRole.COORDINATOR}
TENANT_ROLES = frozenset({PartyRole.CLIENT.value, PartyRole.CO_CLIENT.value})


def address_of(data: AddressIn) -> Address:
    return Address(**data.model_dump())


def property_id_for(org_id: str, address: Address) -> str:
    """One property per org and normalized address, so deals on the same home share it."""
    normalized = "|".join(part.strip().lower() for part in (address.line1, address.city, address.state))
    digest = hashlib.sha256(f"{org_id}|{normalized}|{address.postal_code[:5]}".encode()).digest()
    return "p_" + base64.b32encode(digest).decode().lower()[:26]


@dataclass(frozen=True)
class Opening:
    """Where a new deal goes and in what capacity its creator opens it."""

    org_id: str
    as_tenant: bool = False  # a client opening a maintenance request on the unit they lease


def _opening(caller: Caller, command: NewDeal, template: workflows.WorkflowTemplate) -> Opening:
    staff_orgs = [m.org_id for m in caller.staff]
    if command.org_id is not None and command.org_id in staff_orgs:
        return Opening(command.org_id)
    if command.org_id is None and len(staff_orgs) == 1:
        return Opening(staff_orgs[0])
    if command.org_id is None and len(staff_orgs) > 1:
        raise Invalid("you are staff of several organizations: say which with org_id", code="org_id_required")
    if template.opened_by_clients:
        return Opening(_tenant_org(caller, command), as_tenant=True)
    if command.org_id is not None:
        raise NotFound("organization not found")
    raise Forbidden("only brokerage staff can open a deal", code="staff_only")


def _tenant_org(caller: Caller, command: NewDeal) -> str:
    """The org of an active lease the caller is a tenant on, for the unit named: one Query of their feed."""
    internal = {"price", "commission_rate", "risk_flags", "internal_owner_user_id", "external_id", "parties"}
    internal.add("account_id")  # accounts (issue 13): staff records
    given = sorted(internal & command.model_fields_set)
    if given:
        raise Forbidden(
            "a tenant's request cannot set parties or internal fields",
            code="staff_only",
            details={"fields": given},
        )
    wanted = _place(address_of(command.property.address), command.property.unit)
    leases = deal_store.user_feed_page(
        caller.user_id, limit=100, start=None, workflow="lease", stage="active"
    )
    for lease in leases.items:
        matches = lease.role in TENANT_ROLES and _place(lease.address, lease.unit) == wanted
        if matches and command.org_id in (None, lease.org_id):
            return lease.org_id
    raise Forbidden(
        "maintenance requests are opened by a tenant on an active lease of that unit", code="no_active_lease"
    )


def _place(address: Address, unit: str | None) -> tuple[str, ...]:
    return (
        address.line1.strip().lower(),
        address.city.strip().lower(),
        address.state,
        address.postal_code[:5],
        (unit or "").strip().lower(),
    )


def check_key_dates(template: workflows.WorkflowTemplate, names: Iterable[str]) -> None:
    unknown = sorted(set(names) - set(template.key_date_names))
    if unknown:
        raise Invalid(
            f"unknown key dates for the {template.workflow} workflow: {', '.join(unknown)}",
            code="unknown_key_date",
            details={"unknown": unknown, "allowed": list(template.key_date_names)},
        )


def create_deal(caller: Caller, command: NewDeal, *, org: Org | None = None) -> tuple[Workspace, DealAccess]:
    """Open a deal from the latest template: the deal, its parties, and every task and document request
    the template plans, dated and owned, in one transaction (docs/WORKFLOWS.md: past 100 items).
    `org`: the org already read (a bulk import reads it once, not once per row)."""
    template = workflows.latest(command.workflow)
    opening = _opening(caller, command, template)
    if org is None or org.org_id != opening.org_id:
        org = org_store.get_org(opening.org_id)
    if org is None:
        raise NotFound("organization not found")
    template_id, template = deal_templates.choose(org, command, template)  # org-owned templates
    check_key_dates(template, command.key_dates)
    require_org_staff(org.org_id, command.internal_owner_user_id, field="internal_owner_user_id")
    accounts.for_deal(org.org_id, command.account_id)  # accounts (issue 13): +1 GetItem when sent
    now = clock.now()
    deal = _new_deal(caller, command, template, org, now)
    deal.template_id = template_id
    uow = UnitOfWork()
    deal_store.add_deal(uow, deal)
    deal_store.upsert_property(uow, Property(deal.property_id, org.org_id, deal.address, now))
    parties = _initial_parties(uow, caller, deal, command.parties, as_tenant=opening.as_tenant)
    for party in parties:
        deal_store.add_party(uow, party, deal)
    tasks, requests = plan.instantiate(template, deal, parties, now)
    for task in tasks:
        plan_store.add_task(uow, task, with_new_deal=True)
    for request in requests:
        plan_store.add_document_request(uow, request, with_new_deal=True)
    first = StageChange(
        deal_id=deal.deal_id,
        change_id=ids.new_id("sc"),
        to_stage=deal.stage,
        at=now,
        actor_user_id=caller.user_id,
        actor_name=caller.label,
        reason="Deal opened",
    )
    deal_store.add_stage_change(uow, first)
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.DEAL_CREATED,
            f"{caller.label} opened {deal.title}",
            data={
                "workflow": deal.workflow,
                "stage": deal.stage,
                "parties": [{"user_id": p.user_id, "role": p.role.value} for p in parties],
                "tasks": len(tasks),
                "document_requests": len(requests),
            },
            at=now,
        )
    )
    uow.commit()
    metrics.add_metric(name="DealsCreated", unit="Count", value=1)
    ws = Workspace(deal=deal, parties=parties, stage_history=[first], tasks=tasks, document_requests=requests)
    access = resolve_access(caller, deal, parties)
    assert access is not None
    return ws, access


def _new_deal(
    caller: Caller, command: NewDeal, template: workflows.WorkflowTemplate, org: Org, now: datetime
) -> Deal:
    address = address_of(command.property.address)
    key_dates = dict(command.key_dates)
    if template.opened_on:
        key_dates.setdefault(template.opened_on, now.astimezone(ZoneInfo(org.time_zone)).date())
    return Deal(
        deal_id=ids.new_id("dl"),
        org_id=org.org_id,
        workflow=template.workflow,
        template_version=template.version,
        title=command.title,
        stage=template.first_stage.key,
        stage_entered_at=now,
        property_id=property_id_for(org.org_id, address),
        address=address,
        unit=command.property.unit,
        created_at=now,
        created_by=caller.user_id,
        last_activity_at=now,
        key_dates=template.derive_key_dates(key_dates),
        price=command.price,
        commission_rate=command.commission_rate,
        risk_flags=list(command.risk_flags),
        internal_owner_user_id=command.internal_owner_user_id,
        external_id=command.external_id,
        time_zone=org.time_zone,
        account_id=command.account_id,  # accounts (issue 13)
    )


def _initial_parties(
    uow: UnitOfWork, caller: Caller, deal: Deal, requested: list[PartyIn], *, as_tenant: bool = False
) -> list[Party]:
    emails = [p.email for p in requested]
    duplicates = sorted({e for e in emails if emails.count(e) > 1} | ({caller.user.email} & set(emails)))
    if duplicates:
        raise Invalid(
            "each person may appear once (you are added automatically)",
            code="duplicate_party",
            details={"emails": duplicates},
        )
    now = deal.created_at
    parties: list[Party] = []
    creator_role = (
        PartyRole.CLIENT if as_tenant else CREATOR_PARTY_ROLE.get(caller.staff_role(deal.org_id))  # type: ignore[arg-type]
    )
    if creator_role is not None:
        parties.append(
            Party(
                deal.deal_id,
                deal.org_id,
                caller.user_id,
                caller.user.email,
                creator_role,
                PartyStatus.ACTIVE,
                now,
                caller.user_id,
                name=caller.user.name,
                phone=caller.user.phone,
                accepted_at=now,
            )
        )
    known = user_store.lookup(emails, deal.org_id)
    for wanted in requested:
        parties.append(new_party(uow, deal, wanted, known.get(wanted.email), caller.user_id))
    return parties


def new_party(
    uow: UnitOfWork, deal: Deal, wanted: PartyIn, person: user_store.Person | None, added_by: str
) -> Party:
    """A party for `wanted`, creating the user if the email is new. Staff of the deal's org join at once;
    anyone else is invited and reaches the deal once they accept (docs/PERMISSIONS.md)."""
    now = clock.now()
    if person is None:
        user = User(
            ids.new_id("u"), wanted.email, UserStatus.ACTIVE, now, name=wanted.name, phone=wanted.phone
        )
        user_store.add_user(uow, user)
        person = user_store.Person(user, None)
    joins_now = person.staff_role is not None
    party = Party(
        deal_id=deal.deal_id,
        org_id=deal.org_id,
        user_id=person.user.user_id,
        email=person.user.email,
        role=wanted.role,
        status=PartyStatus.ACTIVE if joins_now else PartyStatus.INVITED,
        added_at=now,
        added_by=added_by,
        name=wanted.name or person.user.name,
        phone=wanted.phone or person.user.phone,
        accepted_at=now if joins_now else None,
    )
    if joins_now:
        return party
    from chalicelib.services import invitations  # the token and mail stack load on the first invitation

    return invitations.issue(uow, deal, party, added_by)


def get_workspace(caller: Caller, deal_id: str) -> tuple[Workspace, DealAccess]:
    ws, access = workspace_access(caller, deal_id)
    access.require(Action.VIEW_DEAL)
    activation.note_first_visit(ws.deal, access)
    return ws, access


def list_deals(
    caller: Caller,
    *,
    limit: int,
    cursor: str | None,
    org_id: str | None = None,
    workflow: str | None = None,
    stage: str | None = None,
) -> tuple[list[DealSummary], str | None]:
    """Admins and coordinators see their org's deals; everyone else the deals they are a party to.
    docs/API.md explains the choice of feed and the filters."""
    feed_org = _feed_org(caller, org_id)
    scope = f"deals:{caller.user_id}:{feed_org}:{workflow}:{stage}"
    start = cursors.decode(scope, cursor)
    if feed_org is None:
        if (workflow or stage) and not caller.staff:
            raise Forbidden("only staff can filter deals by workflow or stage")
        page = deal_store.user_feed_page(
            caller.user_id, limit=limit, start=start, workflow=workflow, stage=stage
        )
        return page.items, cursors.encode(scope, page.last_key)
    if workflow:
        found, last = deal_store.pipeline_page(feed_org, workflow, stage=stage, limit=limit, start=start)
        return [deal_store.summary_of(d) for d in found], cursors.encode(scope, last)
    if stage:
        raise Invalid(
            "filtering by stage needs a workflow (stages are named per workflow)", code="workflow_required"
        )
    page = deal_store.org_feed_page(feed_org, limit=limit, start=start)
    return page.items, cursors.encode(scope, page.last_key)


def _feed_org(caller: Caller, org_id: str | None) -> str | None:
    if org_id is not None:
        require_ops(caller, org_id)
        return org_id
    ops_orgs = caller.ops_orgs()
    if len(ops_orgs) > 1:
        raise Invalid("you run several organizations: say which with org_id", code="org_id_required")
    return ops_orgs[0] if ops_orgs else None
