"""Workflow templates as a portal reads them: the stage ladder with labels and each stage's definition of
done, for any signed-in user; nothing without a token; an unknown template is a 404."""

from __future__ import annotations

from chalicelib.domain import workflows

CLIENT = "bianca.buyer@mail.example"


def test_a_signed_in_user_reads_the_ladder_and_what_leaving_each_stage_takes(demo, api):
    # When a client's portal asks for the template her deal pinned
    template = workflows.latest("purchase")
    reply = api.get(f"/v1/workflows/purchase/versions/{template.version}", as_user=CLIENT)

    # Then every stage comes in order, with its plain words and its definition of done, by label
    assert reply.status == 200
    stages = reply.json["stages"]
    assert [s["key"] for s in stages] == [s.key for s in template.stages]
    diligence = next(s for s in stages if s["key"] == "due_diligence")
    assert diligence["label"] == template.stage("due_diligence").label
    assert diligence["done_when"]["documents_approved"] == [
        {"type": "inspection_report", "label": "Home inspection report"}
    ]
    assert [t["key"] for t in diligence["done_when"]["tasks_done"]] == [
        "review_inspection",
        "resolve_inspection",
    ]
    assert next(s for s in stages if s["key"] == "cancelled")["exit"] is True


def test_the_list_names_each_workflow_at_its_latest_version(demo, api):
    reply = api.get("/v1/workflows", as_user=CLIENT)
    assert reply.status == 200
    assert {w["workflow"]: w["version"] for w in reply.json["items"]} == {
        name: workflows.latest(name).version for name in workflows.registry().workflows()
    }


def test_no_token_is_a_401_and_an_unknown_template_a_404(demo, api):
    assert api.get("/v1/workflows/purchase/versions/1").status == 401
    for path in (
        "/v1/workflows/purchase/versions/99",
        "/v1/workflows/nope/versions/1",
        "/v1/workflows/purchase/versions/x",
    ):
        reply = api.get(path, as_user=CLIENT)
        assert (reply.status, reply.error_code) == (404, "workflow_not_found")
