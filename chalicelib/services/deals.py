"""Deals: create from a template, read the workspace, list, and edit details and key dates."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain import workflows
from chalicelib.domain.access import Action, Caller, DealAccess, require_ops, resolve_access
from chalicelib.domain.entities import Address, Deal, DealSummary, Party, Property, StageChange, User
from chalicelib.domain.errors import Forbidden, Invalid, NotFound, PreconditionFailed
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import PartyRole, PartyStatus, StaffRole, UserStatus, Visibility
from chalicelib.domain.views import Workspace
from chalicelib.observability import metrics
from chalicelib.services.access import workspace_access
from chalicelib.services.activity import deal_event
from chalicelib.store import cursors
from chalicelib.store import deals as deal_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork, changes_between

if TYPE_CHECKING:
    from chalicelib.domain.commands import AddressIn, DealPatch, NewDeal, PartyIn

INTERNAL_FIELDS = frozenset({"commission_rate", "risk_flags", "internal_owner_user_id"})
CREATOR_PARTY_ROLE = {StaffRole.AGENT: PartyRole.AGENT, StaffRole.COORDINATOR: PartyRole.COORDINATOR}


def address_of(data: AddressIn) -> Address:
    return Address(**data.model_dump())


def property_id_for(org_id: str, address: Address) -> str:
    """One property per org and normalized address, so deals on the same home share it."""
    normalized = "|".join(part.strip().lower() for part in (address.line1, address.city, address.state))
    digest = hashlib.sha256(f"{org_id}|{normalized}|{address.postal_code[:5]}".encode()).digest()
    return "p_" + base64.b32encode(digest).decode().lower()[:26]


def _creating_org(caller: Caller, org_id: str | None) -> str:
    staff_orgs = [m.org_id for m in caller.staff]
    if org_id is not None:
        if org_id not in staff_orgs:
            raise NotFound("organization not found")
        return org_id
    if not staff_orgs:
        raise Forbidden("only brokerage staff can open a deal", code="staff_only")
    if len(staff_orgs) > 1:
        raise Invalid("you are staff of several organizations: say which with org_id", code="org_id_required")
    return staff_orgs[0]


def _check_key_dates(template: workflows.WorkflowTemplate, names: Iterable[str]) -> None:
    unknown = sorted(set(names) - set(template.key_dates))
    if unknown:
        raise Invalid(
            f"unknown key dates for the {template.workflow} workflow: {', '.join(unknown)}",
            code="unknown_key_date",
            details={"unknown": unknown, "allowed": list(template.key_dates)},
        )


def create_deal(caller: Caller, command: NewDeal) -> tuple[Workspace, DealAccess]:
    org_id = _creating_org(caller, command.org_id)
    template = workflows.latest(command.workflow)
    _check_key_dates(template, command.key_dates)
    now = clock.now()
    address = address_of(command.property.address)
    deal = Deal(
        deal_id=ids.new_id("dl"),
        org_id=org_id,
        workflow=template.workflow,
        template_version=template.version,
        title=command.title,
        stage=template.first_stage.key,
        stage_entered_at=now,
        property_id=property_id_for(org_id, address),
        address=address,
        unit=command.property.unit,
        created_at=now,
        created_by=caller.user_id,
        last_activity_at=now,
        key_dates=dict(command.key_dates),
        price=command.price,
        commission_rate=command.commission_rate,
        risk_flags=list(command.risk_flags),
        internal_owner_user_id=command.internal_owner_user_id,
        external_id=command.external_id,
    )
    uow = UnitOfWork()
    deal_store.add_deal(uow, deal)
    deal_store.upsert_property(uow, Property(deal.property_id, org_id, address, now))
    parties = _initial_parties(uow, caller, deal, command.parties)
    for party in parties:
        deal_store.add_party(uow, party, deal)
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
            },
            at=now,
        )
    )
    uow.commit()
    metrics.add_metric(name="DealsCreated", unit="Count", value=1)
    ws = Workspace(deal=deal, parties=parties, stage_history=[first])
    access = resolve_access(caller, deal, parties)
    assert access is not None
    return ws, access


def _initial_parties(uow: UnitOfWork, caller: Caller, deal: Deal, requested: list[PartyIn]) -> list[Party]:
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
    creator_role = CREATOR_PARTY_ROLE.get(caller.staff_role(deal.org_id))  # type: ignore[arg-type]
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
    return Party(
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


def get_workspace(caller: Caller, deal_id: str) -> tuple[Workspace, DealAccess]:
    ws, access = workspace_access(caller, deal_id)
    access.require(Action.VIEW_DEAL)
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


def update_deal(
    caller: Caller, deal_id: str, patch: DealPatch, expected_version: int
) -> tuple[Workspace, DealAccess]:
    ws, access = workspace_access(caller, deal_id)
    access.require(Action.EDIT_DEAL)
    before = ws.deal
    if before.version != expected_version:
        raise PreconditionFailed(
            f"the deal is at version {before.version}, not {expected_version}; reload it"
        )
    after = _patched(before, patch)
    changes = changes_between(before, after)
    if not changes:
        return ws, access
    after = dataclasses.replace(after, version=before.version + 1)
    uow = UnitOfWork()
    deal_store.change_deal(uow, before, after)
    deal_store.touch(uow, after, ws.parties, clock.now())
    uow.record(_update_event(caller, before, after, changes))
    uow.commit()
    ws.deal = after
    return ws, access


def _patched(deal: Deal, patch: DealPatch) -> Deal:
    given = patch.model_fields_set
    values: dict[str, Any] = {
        name: getattr(patch, name)
        for name in given & {"title", "price", "commission_rate", "internal_owner_user_id"}
    }
    if "risk_flags" in given:
        values["risk_flags"] = list(patch.risk_flags or [])
    if "title" in values and values["title"] is None:
        raise Invalid("a deal needs a title", code="title_required")
    if "property" in given:
        if patch.property is None:
            raise Invalid("a deal needs a property", code="property_required")
        values["address"] = address_of(patch.property.address)
        values["unit"] = patch.property.unit
        values["property_id"] = property_id_for(deal.org_id, values["address"])
    if "key_dates" in given and patch.key_dates is not None:
        _check_key_dates(workflows.pinned(deal.workflow, deal.template_version), patch.key_dates)
        key_dates = dict(deal.key_dates)
        for name, value in patch.key_dates.items():
            if value is None:
                key_dates.pop(name, None)
            else:
                key_dates[name] = value
        values["key_dates"] = key_dates
    return dataclasses.replace(deal, **values)


def _update_event(caller: Caller, before: Deal, after: Deal, changes: dict[str, Any]) -> Any:
    public: list[dict[str, Any]] = []
    internal: list[dict[str, Any]] = []
    for name in sorted(changes):
        if name in ("key_dates",):
            for key in sorted(set(before.key_dates) | set(after.key_dates)):
                old, new = before.key_dates.get(key), after.key_dates.get(key)
                if old != new:
                    public.append({"field": f"key_dates.{key}", "from": _plain(old), "to": _plain(new)})
            continue
        if name in ("property_id", "unit"):
            continue  # reported with the address
        change = {"field": name, "from": _plain(getattr(before, name)), "to": _plain(getattr(after, name))}
        (internal if name in INTERNAL_FIELDS else public).append(change)
    fields = ", ".join(c["field"].replace("_", " ") for c in public) or "internal details"
    data: dict[str, Any] = {"changes": public}
    if internal:
        data["internal"] = {"changes": internal}
    return deal_event(
        after,
        caller.actor,
        EventType.DEAL_UPDATED,
        f"{caller.label} updated {fields}",
        visibility=Visibility.PARTIES if public else Visibility.INTERNAL,
        data=data,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Address):
        return value.one_line()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
