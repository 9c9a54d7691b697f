"""Governance of org templates: locked items, every problem at once with its path, who may do what, drafts
that go stale, immutable versions, one template per state, and refusals that write nothing."""

from __future__ import annotations

from typing import Any

from tests.templates.support import (
    ADMIN,
    AGENT,
    COORDINATOR,
    MA,
    NY,
    RIVAL_ADMIN,
    add_example,
    clone,
    open_deal,
    publish,
    put_draft,
    worked_example,
)


def _definition(api: Any, tid: str) -> dict[str, Any]:
    reply = api.get(f"/v1/admin/templates/{tid}", as_user=COORDINATOR)
    assert reply.status == 200
    return reply.json


def _validate(api: Any, tid: str) -> dict[str, Any]:
    reply = api.post(f"/v1/admin/templates/{tid}/validate", as_user=COORDINATOR)
    assert reply.status == 200
    return reply.json


def test_a_clone_cannot_drop_unlock_or_make_optional_a_locked_item(seeded, api):
    template = clone(api)
    tid = template["template"]["id"]
    doc = template["definition"]
    assert {d["key"] for d in doc["documents"] if d["locked"]} >= {"signed_disclosures", "closing_disclosure"}
    doc["documents"] = [d for d in doc["documents"] if d["key"] != "signed_disclosures"]
    doc["stages"] = [
        {**s, "done_documents": [d for d in s["done_documents"] if d != "signed_disclosures"]}
        for s in doc["stages"]
    ]
    agreement = next(d for d in doc["documents"] if d["key"] == "purchase_agreement")
    agreement["required"] = False
    compliance = next(t for t in doc["tasks"] if t["key"] == "compliance_review")
    compliance["locked"] = False
    assert put_draft(api, template, doc).status == 200

    problems = _validate(api, tid)["problems"]
    index = [d["key"] for d in doc["documents"]].index("purchase_agreement")
    task_index = [t["key"] for t in doc["tasks"]].index("compliance_review")
    assert problems == [
        {"path": f"tasks[{task_index}].locked", "message": "task 'compliance_review' must stay locked"},
        {
            "path": f"documents[{index}].required",
            "message": "locked document 'purchase_agreement' cannot be optional",
        },
        {"path": "documents", "message": "locked document 'signed_disclosures' cannot be removed"},
    ]
    # publishing is refused with the same problems, and writes no version
    refused = publish(api, tid)
    assert refused.status == 422 and refused.error_code == "invalid_template"
    assert refused.json["error"]["details"] == problems
    assert api.get(f"/v1/admin/templates/{tid}/versions", as_user=ADMIN).json["items"] == []
    assert _definition(api, tid)["template"]["latest_version"] == 0


def test_a_template_derived_from_an_org_template_keeps_its_locked_items(seeded, api):
    parent = clone(api)
    doc = add_example(parent["definition"], worked_example())
    assert put_draft(api, parent, doc).status == 200
    assert publish(api, parent["template"]["id"]).status == 201
    child = clone(api, name="NY purchase, co-op", states=[], from_template=parent["template"]["id"])
    assert child["template"]["derived_from"] == parent["template"]["id"]
    assert child["template"]["derived_from_version"] == 1
    assert child["template"]["org_id"] == parent["template"]["org_id"]  # the org that owns both
    listed = api.get("/v1/admin/templates", as_user=ADMIN).json["items"]
    owners = {t["id"]: t.get("org_id") for t in listed}
    assert owners[child["template"]["id"]] == child["template"]["org_id"] and owners["purchase"] is None
    doc = child["definition"]
    doc["documents"] = [d for d in doc["documents"] if d["key"] != "attorney_review_letter"]
    for stage in doc["stages"]:
        stage["done_documents"] = [d for d in stage["done_documents"] if d != "attorney_review_letter"]
    assert put_draft(api, child, doc).status == 200
    assert _validate(api, child["template"]["id"])["problems"] == [
        {"path": "documents", "message": "locked document 'attorney_review_letter' cannot be removed"}
    ]


def test_every_problem_at_once_each_with_its_path(seeded, api):
    template = clone(api)
    doc = template["definition"]
    doc["tasks"][0]["stage"] = "nowhere"
    doc["tasks"][1]["depends_on"] = ["no_such_task"]
    doc["key_dates"][1]["base"] = "never"
    doc["states"] = ["NY", "XX"]
    assert put_draft(api, template, doc).status == 200
    found = _validate(api, template["template"]["id"])
    assert found["valid"] is False
    assert {p["path"] for p in found["problems"]} == {"states[1]", "tasks[0]", "tasks[1]", "key_dates[1]"}

    # a shape error (a wrong type, an unknown field) is reported with its path too
    doc = _definition(api, template["template"]["id"])
    doc["definition"]["tasks"][2]["proof"] = 3
    doc["definition"]["colour"] = "blue"
    assert put_draft(api, doc, doc["definition"]).status == 200
    paths = {p["path"] for p in _validate(api, template["template"]["id"])["problems"]}
    assert {"tasks[2].proof", "colour"} <= paths


def test_who_may_edit_and_publish(seeded, api):
    template = clone(api)
    tid = template["template"]["id"]
    # an agent is refused the template editor; another org's admin is told it does not exist
    assert api.get("/v1/admin/templates", as_user=AGENT).status == 403
    assert (
        api.post("/v1/admin/templates", {"from_template": "purchase", "name": "Mine"}, as_user=AGENT).status
        == 403
    )
    assert api.get(f"/v1/admin/templates/{tid}", as_user=RIVAL_ADMIN).status == 404
    assert api.post(f"/v1/admin/templates/{tid}/publish", as_user=RIVAL_ADMIN).status == 404
    # a coordinator edits but does not publish; nothing was published
    assert publish(api, tid, as_user=COORDINATOR).status == 403
    assert api.get(f"/v1/admin/templates/{tid}/versions", as_user=COORDINATOR).json["items"] == []
    # a built-in is read-only
    builtin = api.get("/v1/admin/templates/purchase", as_user=COORDINATOR)
    assert builtin.status == 200 and builtin.json["template"]["builtin"] is True
    edit = api.request(
        "PUT",
        "/v1/admin/templates/purchase/draft",
        json_body={"definition": builtin.json["definition"]},
        headers={"If-Match": '"1"'},
        as_user=ADMIN,
    )
    assert edit.status == 409 and edit.error_code == "read_only_template"
    listed = api.get("/v1/admin/templates", as_user=COORDINATOR).json["items"]
    assert {t["id"] for t in listed} == {"purchase", "listing", "lease", "maintenance", tid}


def test_a_stale_draft_is_refused_and_a_published_version_never_changes(seeded, api):
    template = clone(api)
    tid = template["template"]["id"]
    doc = template["definition"]
    doc["title"] = "Home purchase (NY)"
    assert put_draft(api, template, doc).status == 200
    # the same If-Match again: someone saved first
    stale = put_draft(api, template, {**doc, "title": "Lost edit"})
    assert stale.status == 412
    assert _definition(api, tid)["definition"]["title"] == "Home purchase (NY)"

    assert publish(api, tid).json["version"] == 1
    current = _definition(api, tid)
    assert put_draft(api, current, {**current["definition"], "title": "Changed after v1"}).status == 200
    v1 = api.get(f"/v1/admin/templates/{tid}/versions/1", as_user=COORDINATOR).json
    assert v1["definition"]["title"] == "Home purchase (NY)"
    assert v1["version"]["published_by"]
    diff = api.get(f"/v1/admin/templates/{tid}/diff?from=1", as_user=COORDINATOR).json
    assert diff["operations"] == [{"op": "replace", "path": "/title", "value": "Changed after v1"}]


def test_one_template_per_state_and_workflow(seeded, api):
    first = clone(api)
    assert publish(api, first["template"]["id"]).status == 201
    second = clone(api, name="Another NY purchase")
    refused = publish(api, second["template"]["id"])
    assert refused.status == 409 and refused.error_code == "state_served_by_another_template"
    assert (
        api.get(f"/v1/admin/templates/{second['template']['id']}/versions", as_user=ADMIN).json["items"] == []
    )
    # a NY deal still gets the first; a deal may name another template (of its org) or the built-in
    assert open_deal(api, NY)["template_id"] == first["template"]["id"]
    assert "template_id" not in open_deal(api, NY, template_id="purchase")
    assert open_deal(api, MA, template_id=first["template"]["id"])["template_id"] == first["template"]["id"]


def test_a_deal_cannot_name_another_orgs_template_or_another_workflows(seeded, api):
    rival = clone(api, name="Rival purchase", states=["NJ"], as_user=RIVAL_ADMIN)
    assert publish(api, rival["template"]["id"], as_user=RIVAL_ADMIN).status == 201
    body = {
        "workflow": "purchase",
        "title": "Nope",
        "property": {"address": NY},
        "template_id": rival["template"]["id"],
    }
    before = api.get("/v1/deals", as_user=COORDINATOR).json["items"]
    refused = api.post("/v1/deals", body, as_user=COORDINATOR)
    assert refused.status == 404 and refused.error_code == "template_not_found"
    mine = clone(api, states=[])
    assert publish(api, mine["template"]["id"]).status == 201
    wrong = api.post(
        "/v1/deals",
        {**body, "workflow": "listing", "template_id": mine["template"]["id"]},
        as_user=COORDINATOR,
    )
    assert wrong.status == 422 and wrong.error_code == "template_workflow_mismatch"
    assert api.get("/v1/deals", as_user=COORDINATOR).json["items"] == before


def test_every_draft_change_and_publication_is_audited_with_its_diff(seeded, api):
    template = clone(api)
    tid = template["template"]["id"]
    doc = template["definition"]
    doc["title"] = "Home purchase (NY)"
    assert put_draft(api, template, doc).status == 200
    assert publish(api, tid).status == 201
    events = api.get("/v1/admin/activity?limit=20", as_user=ADMIN).json["items"]
    changed = [e for e in events if e["type"] == "template.draft_changed" and e["data"]["template_id"] == tid]
    published = [e for e in events if e["type"] == "template.published" and e["data"]["template_id"] == tid]
    assert len(changed) == 2  # created, then edited
    edit = next(e for e in changed if e["data"]["draft_version"] == 2)
    assert edit["data"]["diff"] == [{"op": "replace", "path": "/title", "value": "Home purchase (NY)"}]
    assert published[0]["data"]["version"] == 1 and published[0]["data"]["states"] == ["NY"]
    assert published[0]["data"]["diff_operations"] >= 1  # against nothing: the whole definition
    assert len(published[0]["data"]["diff"]) <= 50


def test_the_pipeline_filters_by_a_stage_only_an_org_template_has(seeded, api):
    template = clone(api)
    doc = add_example(template["definition"], worked_example())
    assert put_draft(api, template, doc).status == 200
    assert publish(api, template["template"]["id"]).status == 201
    deal = open_deal(api, NY)
    path = "/v1/admin/pipeline?workflow=purchase&stage=attorney_review"
    assert api.get(path, as_user=COORDINATOR).json["items"] == []  # the deal is still in intake
    refused = api.get("/v1/admin/pipeline?workflow=purchase&stage=nowhere", as_user=COORDINATOR)
    assert refused.status == 422 and refused.error_code == "unknown_stage"
    assert deal["stage"] == "intake"
