"""Editing a deal: details and key dates (If-Match). Moving a key date re-dates, in the same
transaction, every open task and document request derived from it, and one event lists what moved."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.domain import plan, workflows
from chalicelib.domain.access import Action, Caller, DealAccess
from chalicelib.domain.entities import ActivityEvent, Address, Deal
from chalicelib.domain.errors import Invalid, PreconditionFailed
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.domain.views import Workspace
from chalicelib.services.access import require_org_staff, workspace_access
from chalicelib.services.activity import deal_event
from chalicelib.services.deals import address_of, check_key_dates, property_id_for
from chalicelib.store import deals as deal_store
from chalicelib.store import plan as plan_store
from chalicelib.store.unit_of_work import UnitOfWork, changes_between

if TYPE_CHECKING:
    from chalicelib.domain.commands import DealPatch

INTERNAL_FIELDS = frozenset({"commission_rate", "risk_flags", "internal_owner_user_id", "account_id"})


def update_deal(
    caller: Caller, deal_id: str, patch: DealPatch, expected_version: int
) -> tuple[Workspace, DealAccess]:
    ws, access = workspace_access(caller, deal_id)
    access.require(Action.EDIT_DEAL)
    if patch.critical:
        access.require(Action.SEND_CRITICAL)
    before = ws.deal
    if before.version != expected_version:
        raise PreconditionFailed(
            f"the deal is at version {before.version}, not {expected_version}; reload it"
        )
    if "internal_owner_user_id" in patch.model_fields_set:
        require_org_staff(before.org_id, patch.internal_owner_user_id, field="internal_owner_user_id")
    if "account_id" in patch.model_fields_set:  # accounts (issue 13): +1 GetItem when set
        from chalicelib.services.accounts import for_deal

        for_deal(before.org_id, patch.account_id)
    after = _patched(before, patch)
    changes = changes_between(before, after)
    if not changes:
        return ws, access
    after = dataclasses.replace(after, version=before.version + 1)
    moved_dates = plan.key_dates_changed(before.key_dates, after.key_dates)
    task_moves, request_moves = plan.redate(after, moved_dates, ws.tasks, ws.document_requests)
    uow = UnitOfWork()
    deal_store.change_deal(uow, before, after)
    plan_store.apply(uow, task_moves, request_moves)
    now = clock.now()
    deal_store.touch(uow, after, ws.parties, now)
    if set(changes) - {"key_dates"}:
        uow.record(_update_event(caller, before, after, changes))
    if moved_dates:
        event = _key_date_event(caller, before, after, moved_dates, [*task_moves, *request_moves])
        if patch.critical:
            event.data["critical"] = True
        uow.record(event)
    uow.commit()
    ws.deal = after
    ws.tasks = plan.updated(ws.tasks, task_moves)
    ws.document_requests = plan.updated(ws.document_requests, request_moves)
    return ws, access


def _patched(deal: Deal, patch: DealPatch) -> Deal:
    given = patch.model_fields_set
    values: dict[str, Any] = {
        name: getattr(patch, name)
        for name in given & {"title", "price", "commission_rate", "internal_owner_user_id", "account_id"}
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
        template = workflows.of_deal(deal)
        check_key_dates(template, patch.key_dates)
        values["key_dates"] = template.follow_key_dates(deal.key_dates, patch.key_dates)
    return dataclasses.replace(deal, **values)


def _update_event(caller: Caller, before: Deal, after: Deal, changes: dict[str, Any]) -> ActivityEvent:
    public: list[dict[str, Any]] = []
    internal: list[dict[str, Any]] = []
    for name in sorted(changes):
        if name in ("key_dates", "property_id", "unit"):
            continue  # key dates have their own event; the unit is reported with the address
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


def _key_date_event(
    caller: Caller,
    before: Deal,
    after: Deal,
    names: list[str],
    moves: list[tuple[Any, Any]],
) -> ActivityEvent:
    """One event for the whole move: every key date that changed (old → new) and every item re-dated."""
    template = workflows.of_deal(after)
    labels = {k.name: k.label for k in template.key_dates}
    dates = [
        {"key_date": n, "from": _plain(before.key_dates.get(n)), "to": _plain(after.key_dates.get(n))}
        for n in names
    ]
    lead = dates[0]
    moved = [plan.moved(change).as_dict() for change in moves if change[1].visibility is Visibility.PARTIES]
    unlisted = [
        plan.moved(change).as_dict() for change in moves if change[1].visibility is not Visibility.PARTIES
    ]
    what = ", ".join(f"{labels.get(d['key_date'], d['key_date'])} to {d['to'] or 'no date'}" for d in dates)
    return deal_event(
        after,
        caller.actor,
        EventType.DEAL_KEY_DATE_CHANGED,
        f"{caller.label} moved {what}" + (f"; {len(moves)} due dates moved with it" if moves else ""),
        data={
            "key_date": lead["key_date"],
            "from": lead["from"],
            "to": lead["to"],
            "key_dates": dates,
            "moved": moved,
            # internal and restricted items moved too: listed for staff only (views drop "internal")
            **({"internal": {"moved": unlisted}} if unlisted else {}),
        },
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Address):
        return value.one_line()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
