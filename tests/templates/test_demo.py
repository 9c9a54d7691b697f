"""`make run`'s demo template: New York purchase published for NY, with a Brooklyn deal running it, whose
parties read its stages through the deal (`GET /v1/deals/{id}/template`)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import workflows
from devstack.demo_templates import seed_templates
from tests.templates.support import COORDINATOR, RIVAL_ADMIN

CLIENT = "carl.client@mail.example"  # the Brooklyn deal's client
ATTORNEY = "ann@closinglaw.example"  # the buyer's attorney on it
OTHER_CLIENT = "dana.client@mail.example"  # a client of other deals


def test_the_demo_has_an_org_template_with_a_deal_on_it(seeded, api):
    template_id = seed_templates(seeded)
    listed = api.get("/v1/admin/templates", as_user=COORDINATOR).json["items"]
    ny = next(t for t in listed if t["id"] == template_id)
    assert ny["name"] == "New York purchase" and ny["states"] == ["NY"] and ny["latest_version"] == 1
    deal = api.get(f"/v1/deals/{seeded.deals['ny_purchase'].deal_id}", as_user=COORDINATOR).json
    assert deal["template_id"] == template_id
    assert deal["stage"] == "attorney_review" and deal["stage_label"] == "Attorney review"


def test_a_party_reads_the_stages_of_the_org_template_its_deal_runs(seeded, api, ddb_calls):
    # Given the demo's Brooklyn deal on the published "New York purchase", in attorney review
    seed_templates(seeded)
    deal = seeded.deals["ny_purchase"].deal_id
    workflows.ORG_TEMPLATE_CACHE.clear()  # a cold function

    # When its client's portal asks for the deal's template
    ddb_calls.reset()
    reply = api.get(f"/v1/deals/{deal}/template", as_user=CLIENT)

    # Then it gets the New York ladder, attorney review after pre-approval, with what leaving it takes
    assert reply.status == 200
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1}  # caller, deal header, the version once
    stages = [s["key"] for s in reply.json["stages"]]
    assert stages[stages.index("pre_approval") + 1] == "attorney_review"
    review = next(s for s in reply.json["stages"] if s["key"] == "attorney_review")
    assert review["label"] == "Attorney review"
    assert review["done_when"]["documents_approved"] == [
        {"type": "attorney_review_letter", "label": "Attorney review letter (contract approved or rider)"}
    ]
    assert [t["key"] for t in review["done_when"]["tasks_done"]] == ["attorney_contract_review"]
    # and no document a party may not see: the client's proof of funds is the client's and the lender's, so
    # the attorney's ladder leaves it out (the same version, now warm)
    assert "proof_of_funds" in _done_documents(reply.json)
    attorney = api.get(f"/v1/deals/{deal}/template", as_user=ATTORNEY).json
    assert "proof_of_funds" not in _done_documents(attorney) and "photo_id" in _done_documents(attorney)
    ddb_calls.reset()
    api.get(f"/v1/deals/{deal}/template", as_user=CLIENT)
    assert ddb_calls.by_operation() == {"Query": 2}  # warm: the version is not read again


def test_anyone_not_on_the_deal_gets_a_404_for_its_template(seeded, api):
    seed_templates(seeded)
    deal = seeded.deals["ny_purchase"].deal_id
    for outsider in (OTHER_CLIENT, RIVAL_ADMIN):
        reply = api.get(f"/v1/deals/{deal}/template", as_user=outsider)
        assert reply.status == 404 and reply.json["error"]["code"] == "not_found"
    assert api.get("/v1/deals/dl_nope/template", as_user=CLIENT).status == 404


def _done_documents(template: dict[str, Any]) -> set[str]:
    return {d["type"] for s in template["stages"] for d in s["done_when"]["documents_approved"]}
