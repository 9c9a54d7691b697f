"""Moving an open deal to a newer version: who may, what refuses, a move past one transaction, and a
failure half-way that a retry completes without duplicating anything."""

from __future__ import annotations

from typing import Any

from chalicelib.store import plan as plan_store
from chalicelib.store import unit_of_work
from tests.templates.support import (
    ADMIN,
    AGENT,
    CLIENT,
    COORDINATOR,
    NY,
    RIVAL_ADMIN,
    clone,
    open_deal,
    publish,
    put_draft,
)

NEW_TASKS = 66  # with the locked items kept, the 70 a template may hold


def _v2_replacing_everything(api: Any, template: dict[str, Any]) -> None:
    """v2 keeps only the locked items and adds NEW_TASKS tasks in the first stage: past 100 changes."""
    current = api.get(f"/v1/admin/templates/{template['template']['id']}", as_user=COORDINATOR).json
    doc = current["definition"]
    doc["tasks"] = [t for t in doc["tasks"] if t["locked"]] + [
        {"key": f"step_{n}", "title": f"Intake step {n}", "stage": "intake", "owner_role": "agent"}
        for n in range(NEW_TASKS)
    ]
    doc["documents"] = [d for d in doc["documents"] if d["locked"]]
    kept = {t["key"] for t in doc["tasks"]} | {d["key"] for d in doc["documents"]}
    for stage in doc["stages"]:
        stage["done_tasks"] = [k for k in stage["done_tasks"] if k in kept]
        stage["done_documents"] = [k for k in stage["done_documents"] if k in kept]
    doc["change_requests"] = [
        c for c in doc["change_requests"] if c["effect"].get("document") in (None, *kept)
    ]
    reply = put_draft(api, current, doc)
    assert reply.status == 200, reply.json
    published = publish(api, template["template"]["id"])
    assert published.status == 201, published.json


def _setup(api: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    template = clone(api)
    assert publish(api, template["template"]["id"]).status == 201
    deal = open_deal(
        api, NY, parties=[{"email": CLIENT, "role": "client"}, {"email": AGENT, "role": "agent"}]
    )
    _v2_replacing_everything(api, template)
    return template, deal


def _statuses(deal_id: str) -> dict[str, str]:
    return {t.title: t.status for t in plan_store.deal_tasks(deal_id)}


def test_a_move_past_one_transaction_lands_whole(seeded, api, ddb_calls):
    _, deal = _setup(api)
    path = f"/v1/deals/{deal['id']}/template-migration"
    dry = api.post(path, {"version": 2}, as_user=COORDINATOR).json
    assert len(dry["added"]) == NEW_TASKS
    changes = len(dry["added"]) + len(dry["cancelled"]) + len(dry["redated"])
    assert changes + 5 > 100  # with the deal, its 3 parties' feed entries and the event

    ddb_calls.reset()
    moved = api.post(path, {"version": 2, "dry_run": False}, as_user=COORDINATOR)
    assert moved.status == 200, moved.json
    assert ddb_calls.by_operation()["TransactWriteItems"] >= 2  # the deal's write, then the rest
    statuses = _statuses(deal["id"])
    assert all(statuses[f"Intake step {n}"] == "open" for n in range(NEW_TASKS))
    cancelled = {r["title"] for r in dry["cancelled"]}
    assert cancelled and all(statuses[title] == "cancelled" for title in cancelled if title in statuses)
    assert api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json["template_version"] == 2


def test_a_move_interrupted_after_the_deal_is_pinned_is_completed_by_a_retry(seeded, api, monkeypatch):
    _, deal = _setup(api)
    path = f"/v1/deals/{deal['id']}/template-migration"
    # Given the follow-up writes are lost (the function died just after the main transaction)
    monkeypatch.setattr(unit_of_work, "_follow_up", lambda staged, token: None)
    assert api.post(path, {"version": 2, "dry_run": False}, as_user=COORDINATOR).status == 200
    monkeypatch.undo()
    ws = api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json
    assert ws["template_version"] == 2  # a consistent deal: pinned, with part of the new plan

    # When the coordinator retries, the dry run shows only what is still missing, and applying finishes it
    remaining = api.post(path, {"version": 2}, as_user=COORDINATOR).json
    assert 0 < len(remaining["added"]) + len(remaining["cancelled"]) < 100
    assert api.post(path, {"version": 2, "dry_run": False}, as_user=COORDINATOR).status == 200
    tasks = plan_store.deal_tasks(deal["id"])
    titles = [t.title for t in tasks]
    assert len(titles) == len(set(titles))  # nothing twice
    assert all(f"Intake step {n}" in titles for n in range(NEW_TASKS))
    assert api.post(path, {"version": 2}, as_user=COORDINATOR).json["added"] == []


def test_who_may_move_a_deal_and_what_refuses(seeded, api):
    _, deal = _setup(api)
    path = f"/v1/deals/{deal['id']}/template-migration"
    body = {"version": 2, "dry_run": False}
    before = _statuses(deal["id"])
    assert api.post(path, body, as_user=AGENT).status == 403  # the deal's agent: not a coordinator
    assert api.post(path, body, as_user=RIVAL_ADMIN).status == 404  # another org: no such deal
    missing = api.post(path, {"version": 9, "dry_run": False}, as_user=ADMIN)
    assert missing.status == 404 and missing.error_code == "template_not_found"
    wrong = api.post(path, {"version": 1, "template_id": "lease", "dry_run": False}, as_user=ADMIN)
    assert wrong.status == 422 and wrong.error_code == "template_workflow_mismatch"
    assert _statuses(deal["id"]) == before
    assert api.get(f"/v1/deals/{deal['id']}", as_user=ADMIN).json["template_version"] == 1

    # a closed deal does not move
    closed = api.post(
        f"/v1/deals/{deal['id']}/transitions",
        {"to": "cancelled", "reason": "Buyer walked away"},
        as_user=ADMIN,
    )
    assert closed.status == 200
    refused = api.post(path, body, as_user=ADMIN)
    assert refused.status == 409 and refused.error_code == "deal_closed"
