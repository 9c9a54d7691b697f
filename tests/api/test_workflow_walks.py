"""Every built-in template walked through the API from its first stage to its terminal one, the way a
coordinator runs a deal: each stage refuses to advance while its definition of done is unmet (listing
exactly what is missing), then advances once the work is done."""

from __future__ import annotations

import pytest

from chalicelib.domain import workflows
from tests.support.plans import COORDINATOR, accept_document, complete, open_deal, upload_record, workspace

PARTIES = {
    "purchase": [
        {"email": "walk.buyer@example.com", "role": "client"},
        {"email": "walk.cobuyer@example.com", "role": "co_client"},
        {"email": "lena@firstharborbank.example", "role": "lender"},
        {"email": "tom@clearskytitle.example", "role": "title"},
    ],
    "listing": [{"email": "walk.seller@example.com", "role": "client"}],
    "lease": [{"email": "walk.tenant@example.com", "role": "client"}],
    "maintenance": [
        {"email": "walk.tenant@example.com", "role": "client"},
        {"email": "victor@fixitplumbing.example", "role": "vendor"},
    ],
}
KEY_DATES = {
    "purchase": {"offer_accepted": "2026-12-01"},
    "listing": {"listing_agreement_signed": "2026-12-01", "offer_accepted": "2027-01-10"},
    "lease": {"lease_start": "2027-01-01"},
    "maintenance": {"scheduled_for": "2026-12-04"},
}


def _with_dependencies(template: workflows.WorkflowTemplate, keys: tuple[str, ...]) -> list[str]:
    """The tasks to finish for `keys`, prerequisites first (templates list prerequisites earlier)."""
    needed: set[str] = set()
    pending = list(keys)
    while pending:
        key = pending.pop()
        if key not in needed:
            needed.add(key)
            pending += template.task(key).depends_on
    return [t.key for t in template.tasks if t.key in needed]


@pytest.mark.parametrize("workflow", ["purchase", "listing", "lease", "maintenance"])
def test_a_deal_walks_its_template_to_the_end(seeded, api, workflow):
    deal = open_deal(api, workflow, PARTIES[workflow], KEY_DATES[workflow])
    template = workflows.latest(workflow)
    deal_id = deal["id"]
    walked = [deal["stage"]]
    while not template.stage(walked[-1]).terminal:
        ws = workspace(api, deal_id)
        stage = template.stage(ws["stage"])
        following = template.next_stage(stage.key)
        assert following is not None
        expected = {("document", t) for t in stage.done_documents} | {("task", k) for k in stage.done_tasks}
        if expected:
            # Given unfinished work, when the coordinator advances, then 409 lists exactly what is missing
            refused = api.post(f"/v1/deals/{deal_id}/transitions", {"to": following.key}, as_user=COORDINATOR)
            assert refused.status == 409 and refused.error_code == "definition_of_done_unmet"
            missing = refused.json["error"]["details"]["missing"]
            assert {(m["kind"], m.get("type") or m.get("key")) for m in missing} == expected
            assert workspace(api, deal_id)["stage"] == stage.key  # nothing moved
        _finish(api, ws, template, stage)
        moved = api.post(f"/v1/deals/{deal_id}/transitions", {"to": following.key}, as_user=COORDINATOR)
        assert moved.status == 200, moved.json
        assert moved.json["stage"] == following.key and moved.json["stage_label"] == following.label
        walked.append(following.key)

    assert walked == [s.key for s in template.ladder()]
    final = workspace(api, deal_id)
    assert [h["to"] for h in final["stage_history"]] == walked
    assert {t["status"] for t in final["tasks"]} <= {"done", "cancelled"}  # the end closes what was open
    assert {r["status"] for r in final["document_requests"]} <= {"approved", "cancelled"}
    again = api.post(
        f"/v1/deals/{deal_id}/transitions",
        {"to": template.ladder()[0].key, "override": True, "reason": "reopen please"},
        as_user=COORDINATOR,
    )
    assert again.status == 409 and again.error_code == "deal_closed"


def _finish(api, ws, template, stage) -> None:
    titles = {t.key: t.title for t in template.tasks}
    for key in _with_dependencies(template, stage.done_tasks):
        task = next(t for t in workspace(api, ws["id"])["tasks"] if t["title"] == titles[key])
        if task["status"] == "done":
            continue
        proof = {}
        if task["proof_required"] == "document":
            request = next(r for r in ws["document_requests"] if r["stage"] == stage.key)
            proof["document_id"] = upload_record(ws["id"], request["id"], task["owner_user_id"] or "u")
        reply = complete(api, ws["id"], task, **proof)
        assert reply.status == 200, reply.json
    for doc_type in stage.done_documents:
        request = next(r for r in ws["document_requests"] if r["type"] == doc_type)
        accept_document(ws["id"], request["id"])
