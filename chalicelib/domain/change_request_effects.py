"""What approving a change request changes on its deal, planned purely (docs/CHANGE_REQUESTS.md).

At submission `baseline()` records what the effect expects to find (the key date's current value, the
price, the party to remove). When the approval that completes the chain arrives, `plan()` checks the
deal still matches — otherwise 409 `deal_moved`, and nothing is applied — and returns the records to
write in the same transaction as the decision: the deal, re-dated tasks and requests (the same re-dating
as a key-date edit), a new document request or task, a party to add or revoke.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib import ids
from chalicelib.domain import plan as deal_plan
from chalicelib.domain.change_request_types import ChangeRequestType, EffectKind
from chalicelib.domain.change_requests import ChangeRequest, holders
from chalicelib.domain.entities import Deal, DocumentRequest, Party, Task
from chalicelib.domain.errors import Conflict
from chalicelib.domain.roles import PartyRole, PartyStatus, Visibility
from chalicelib.domain.workflows import WorkflowTemplate


@dataclass
class EffectPlan:
    deal_after: Deal | None = None  # the deal with its new key dates or price (version bumped)
    task_moves: list[tuple[Task, Task]] = field(default_factory=list)
    request_moves: list[tuple[DocumentRequest, DocumentRequest]] = field(default_factory=list)
    new_request: DocumentRequest | None = None
    new_task: Task | None = None
    add_party: dict[str, Any] | None = None  # email, role, name: the service invites them
    remove_party: Party | None = None
    described: list[dict[str, Any]] = field(default_factory=list)  # for the event and the request

    @property
    def applies_anything(self) -> bool:
        return bool(self.described)


def baseline(
    kind: ChangeRequestType, deal: Deal, parties: list[Party], fields: dict[str, Any]
) -> dict[str, Any]:
    """What the deal looks like now, as far as the effect is concerned."""
    effect = kind.effect
    if effect.kind is EffectKind.MOVE_KEY_DATE:
        current = deal.key_dates.get(effect.key_date or "")
        return {"key_date": effect.key_date, "value": current.isoformat() if current else None}
    if effect.kind is EffectKind.SET_PRICE:
        return {"price": deal.price}
    if effect.kind is EffectKind.PARTY_CHANGE and fields.get("action") == "remove":
        party = _party(parties, fields["email"], fields["role"])
        if party is None:
            raise Conflict("nobody with that email and role is on the deal", code="not_a_party")
        return {"user_id": party.user_id}
    adding = effect.kind in (EffectKind.PARTY_CHANGE, EffectKind.ADD_PARTY)
    if adding and _party(parties, fields["email"], fields.get("role") or effect.role or ""):
        raise Conflict("this person is already a party to the deal", code="already_a_party")
    return {}


def plan(
    cr: ChangeRequest,
    kind: ChangeRequestType,
    template: WorkflowTemplate,
    deal: Deal,
    parties: list[Party],
    tasks: list[Task],
    requests: list[DocumentRequest],
    now: datetime,
) -> EffectPlan:
    effect = kind.effect
    out = EffectPlan()
    if effect.kind is EffectKind.MOVE_KEY_DATE:
        name = effect.key_date or ""
        current = deal.key_dates.get(name)
        if (current.isoformat() if current else None) != cr.baseline.get("value"):
            raise _moved(f"the {name.replace('_', ' ')} date changed since the request was made", name)
        new = date.fromisoformat(str(cr.fields["new_date"]))
        dates = template.follow_key_dates(deal.key_dates, {name: new})
        out.deal_after = dataclasses.replace(deal, key_dates=dates, version=deal.version + 1)
        changed = deal_plan.key_dates_changed(deal.key_dates, dates)
        out.task_moves, out.request_moves = deal_plan.redate(out.deal_after, changed, tasks, requests)
        out.described = [
            {
                "effect": "key_date_moved",
                "key_date": n,
                "from": _day(deal.key_dates.get(n)),
                "to": _day(dates.get(n)),
            }
            for n in changed
        ]
        out.described += [{"effect": "redated", **deal_plan.moved(m).as_dict()} for m in out.task_moves]
        out.described += [{"effect": "redated", **deal_plan.moved(m).as_dict()} for m in out.request_moves]
    elif effect.kind is EffectKind.SET_PRICE:
        if deal.price != cr.baseline.get("price"):
            raise _moved("the price changed since the request was made", "price")
        out.deal_after = dataclasses.replace(deal, price=cr.fields["price"], version=deal.version + 1)
        out.described = [{"effect": "price_set", "from": deal.price, "to": cr.fields["price"]}]
    elif effect.kind is EffectKind.REQUEST_DOCUMENT:
        out.new_request = _document_request(cr, kind, template, deal, parties, now)
        out.described = [
            {
                "effect": "document_requested",
                "request_id": out.new_request.request_id,
                "label": out.new_request.label,
            }
        ]
    elif effect.kind is EffectKind.ADD_TASK:
        out.new_task = _task(cr, kind, deal, parties, now)
        out.described = [
            {"effect": "task_added", "task_id": out.new_task.task_id, "title": out.new_task.title}
        ]
    elif effect.kind in (EffectKind.ADD_PARTY, EffectKind.PARTY_CHANGE):
        _party_effect(cr, kind, parties, out)
    return out


def _party_effect(cr: ChangeRequest, kind: ChangeRequestType, parties: list[Party], out: EffectPlan) -> None:
    role = str(cr.fields.get("role") or kind.effect.role)
    email = str(cr.fields["email"])
    if cr.fields.get("action") == "remove":
        party = next((p for p in parties if p.user_id == cr.baseline.get("user_id")), None)
        if party is None or party.status is PartyStatus.REVOKED:
            raise _moved("that party already left the deal", "party")
        out.remove_party = party
        out.described = [{"effect": "party_removed", "user_id": party.user_id, "role": party.role.value}]
        return
    if _party(parties, email, role):
        raise Conflict("this person is already a party to the deal", code="already_a_party")
    out.add_party = {"email": email, "role": role, "name": cr.fields.get("name")}
    out.described = [{"effect": "party_added", "role": role}]


def _document_request(
    cr: ChangeRequest,
    kind: ChangeRequestType,
    template: WorkflowTemplate,
    deal: Deal,
    parties: list[Party],
    now: datetime,
) -> DocumentRequest:
    effect = kind.effect
    key = effect.document or cr.fields.get("document_type")
    doc = next((d for d in template.documents if d.key == key), None)
    uploaders = doc.uploader_roles if doc else (effect.role or "agent",)
    label = f"{effect.label}: {doc.label}" if doc and not effect.document else (effect.label or kind.label)
    return DocumentRequest(
        deal_id=deal.deal_id,
        request_id=ids.new_id("rq"),
        type=doc.type if doc else f"{kind.key}_signed",
        label=label,
        status="requested",
        visibility=doc.visibility if doc else Visibility.PARTIES,
        created_at=now,
        required=False,
        stage=deal.stage,
        due_at=now + timedelta(days=effect.due_days),
        target_user_ids=sorted({u for r in uploaders for u in holders(r, parties)}),
        accepted_types=list(doc.accepted_types) if doc else ["application/pdf"],
        max_bytes=doc.max_bytes if doc else 25 * 1024 * 1024,
    )


def _task(
    cr: ChangeRequest, kind: ChangeRequestType, deal: Deal, parties: list[Party], now: datetime
) -> Task:
    role = kind.effect.role or "coordinator"
    owners = holders(role, parties)
    return Task(
        deal_id=deal.deal_id,
        task_id=ids.new_id("tk"),
        title=f"{kind.effect.label or kind.label}: {str(cr.fields['description'])[:150]}",
        stage=deal.stage,
        owner_role=role,
        status="open",
        visibility=Visibility.PARTIES,
        created_at=now,
        owner_user_id=owners[0] if owners else None,
        due_at=now + timedelta(days=kind.effect.due_days),
    )


def _party(parties: list[Party], email: str, role: str) -> Party | None:
    return next(
        (
            p
            for p in parties
            if p.email == email.lower() and p.role == PartyRole(role) and p.status is not PartyStatus.REVOKED
        ),
        None,
    )


def _moved(message: str, what: str) -> Conflict:
    return Conflict(message + "; nothing was applied", code="deal_moved", details={"changed": what})


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def describe(described: list[dict[str, Any]]) -> str:
    """One phrase for the activity summary."""
    words = {
        "key_date_moved": lambda d: f"{d['key_date'].replace('_', ' ')} moved to {d['to']}",
        "price_set": lambda d: f"price set to ${d['to']:,}",
        "document_requested": lambda d: f"{d['label']} requested",
        "task_added": lambda d: f"task added: {d['title']}",
        "party_added": lambda d: f"a {d['role'].replace('_', ' ')} added",
        "party_removed": lambda d: f"a {d['role'].replace('_', ' ')} removed",
    }
    parts = [words[d["effect"]](d) for d in described if d["effect"] in words]
    moved = sum(1 for d in described if d["effect"] == "redated")
    if moved:
        parts.append(f"{moved} due date{'s' if moved != 1 else ''} moved with it")
    return "; ".join(parts)
