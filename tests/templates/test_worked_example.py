"""docs/TEMPLATES.md's worked example, end to end: clone → export → edit → import → validate → publish → new
NY deals use it → older deals keep theirs → v2 → dry run → migrate for real → a retry changes nothing."""

from __future__ import annotations

from typing import Any

import yaml

from chalicelib.domain import workflows
from chalicelib.store import plan as plan_store
from tests.templates.support import (
    ADMIN,
    COORDINATOR,
    MA,
    NY,
    add_example,
    clone,
    open_deal,
    publish,
    put_draft,
    titles,
    worked_example,
)

EXAMPLE_TASKS = {
    "Engage a real estate attorney",
    "Review and negotiate the contract with the seller's attorney",
}


def _import(api: Any, tid: str, draft_version: int, content: str, fmt: str = "yaml") -> Any:
    return api.post(
        f"/v1/admin/templates/{tid}/import",
        {"format": fmt, "content": content},
        headers={"If-Match": f'"{draft_version}"'},
        as_user=COORDINATOR,
    )


def test_the_new_york_attorney_review_walk(seeded, api):
    # Given a deal opened in New York on the built-in purchase, before the org has its own template
    older = open_deal(api, NY)
    assert older["template_version"] == 1 and "template_id" not in older

    # When a coordinator clones purchase, exports it as YAML, adds the doc's example and imports it
    template = clone(api)
    tid = template["template"]["id"]
    exported = api.get(f"/v1/admin/templates/{tid}/export?format=yaml", as_user=COORDINATOR)
    assert exported.status == 200 and exported.json["file_name"].endswith(".yaml")
    edited = add_example(yaml.safe_load(exported.json["content"]), worked_example())
    imported = _import(api, tid, 1, yaml.safe_dump(edited))
    assert imported.status == 200, imported.json
    assert imported.json["template"]["draft_version"] == 2

    # Then it validates, a coordinator may not publish it, and an admin does
    checked = api.post(f"/v1/admin/templates/{tid}/validate", as_user=COORDINATOR)
    assert checked.json == {"valid": True, "problems": []}
    assert publish(api, tid, as_user=COORDINATOR).status == 403
    published = publish(api, tid)
    assert published.status == 201, published.json
    assert published.json["version"] == 1
    assert published.json["states"] == ["NY"]

    # A new NY purchase runs it: the attorney-review stage, its deadline, tasks and letter
    ny = open_deal(api, NY)
    assert ny["template_id"] == tid and ny["template_version"] == 1
    assert ny["key_dates"]["attorney_review_deadline"] == "2026-12-08"
    assert titles(ny) >= EXAMPLE_TASKS
    assert "Attorney review letter (contract approved or rider)" in {
        r["label"] for r in ny["document_requests"]
    }
    review = next(t for t in ny["tasks"] if t["title"].startswith("Review and negotiate"))
    assert review["due_at"].startswith("2026-12-08")
    timeline = api.get(f"/v1/deals/{ny['id']}", as_user=COORDINATOR).json
    assert timeline["template_id"] == tid
    # ...while a deal elsewhere, and the NY deal opened before, keep the built-in
    assert "template_id" not in open_deal(api, MA)
    kept = api.get(f"/v1/deals/{older['id']}", as_user=COORDINATOR).json
    assert "template_id" not in kept and not EXAMPLE_TASKS & titles(kept)

    # When v2 shortens the review to 5 days and drops the buyer's lender call
    definition = api.get(f"/v1/admin/templates/{tid}", as_user=COORDINATOR).json
    doc = definition["definition"]
    for key_date in doc["key_dates"]:
        if key_date["name"] == "attorney_review_deadline":
            key_date["offset_days"] = 5
    review_task = next(t for t in doc["tasks"] if t["key"] == "attorney_contract_review")
    review_task["due"] = {"anchor": "offer_accepted", "offset_days": 5}
    doc["tasks"] = [t for t in doc["tasks"] if t["key"] != "connect_lender"]
    assert put_draft(api, definition, doc).status == 200
    assert publish(api, tid).json["version"] == 2
    diff = api.get(f"/v1/admin/templates/{tid}/diff?from=1&to=2", as_user=COORDINATOR).json
    assert {op["op"] for op in diff["operations"]} >= {"replace", "remove"}

    # Then the v1 deal keeps v1 until a coordinator moves it: first a dry run, which writes nothing
    path = f"/v1/deals/{ny['id']}/template-migration"
    dry = api.post(path, {"version": 2}, as_user=COORDINATOR)
    assert dry.status == 200, dry.json
    assert dry.json["dry_run"] is True
    assert {r["key"] for r in dry.json["cancelled"]} == {"connect_lender"}
    assert {r["key"] for r in dry.json["redated"]} == {"attorney_contract_review"}
    assert dry.json["added"] == []
    assert api.get(f"/v1/deals/{ny['id']}", as_user=COORDINATOR).json["template_version"] == 1

    # For real: one audited operation
    done = api.post(path, {"version": 2, "dry_run": False}, as_user=COORDINATOR)
    assert done.status == 200, done.json
    after = api.get(f"/v1/deals/{ny['id']}", as_user=COORDINATOR).json
    assert after["template_version"] == 2
    lender = next(t for t in after["tasks"] if t["title"] == "Talk to a lender about pre-approval")
    assert lender["status"] == "cancelled"
    moved = next(t for t in after["tasks"] if t["title"].startswith("Review and negotiate"))
    assert moved["due_at"].startswith("2026-12-06")
    log = api.get(f"/v1/deals/{ny['id']}/activity?limit=100", as_user=COORDINATOR).json["items"]
    migrated = [e for e in log if e["type"] == "deal.template_migrated"]
    assert len(migrated) == 1

    # A retry changes nothing and records nothing
    again = api.post(path, {"version": 2, "dry_run": False}, as_user=COORDINATOR)
    assert again.status == 200 and again.json["cancelled"] == [] and again.json["redated"] == []
    log = api.get(f"/v1/deals/{ny['id']}/activity?limit=100", as_user=COORDINATOR).json["items"]
    assert len([e for e in log if e["type"] == "deal.template_migrated"]) == 1
    assert len(plan_store.deal_tasks(ny["id"])) == len(ny["tasks"])
    workflows.ORG_TEMPLATE_CACHE.clear()  # a cold function reads it again and finds the same template
    assert api.get(f"/v1/deals/{ny['id']}", as_user=ADMIN).json["template_version"] == 2
