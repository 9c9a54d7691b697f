"""Ops correct a document filed under the wrong type or label: the request and every version follow, the
definition of done counts the corrected type, and the log keeps who, why, and what it was before."""

from __future__ import annotations

from chalicelib.runbooks.handlers import HANDLERS
from tests.documents.helpers import AGENT, CLIENT, COORDINATOR, activity, new_request, request_as
from tests.support.uploads import PDF, Uploader, ingest

RIVAL_COORDINATOR = "rory.coord@rivalrealty.example"


def _uploaded(api, park) -> tuple[dict, dict]:
    request = new_request(api, park, type="other_document", label="Misc upload")
    Uploader(api, park, request["id"], CLIENT).upload(PDF)
    ingest()
    seen = request_as(api, park, request["id"])
    return seen, seen["documents"][0]


def _correct(api, park, doc, body, as_user=COORDINATOR):
    return api.patch(f"/v1/admin/deals/{park}/documents/{doc['id']}", body, as_user=as_user)


def test_a_coordinator_corrects_type_and_label_with_a_reason(api, park, storage):
    request, doc = _uploaded(api, park)
    fixed = _correct(
        api,
        park,
        doc,
        {
            "type": "inspection_report",
            "label": "Home inspection report (addendum)",
            "reason": "Client uploaded the inspection report to the wrong request",
        },
    )
    assert fixed.status == 200, fixed.json
    seen = request_as(api, park, request["id"])
    assert (seen["type"], seen["label"]) == ("inspection_report", "Home inspection report (addendum)")
    [event] = [e for e in activity(api, park) if e["type"] == "document.corrected"]
    assert event["data"]["reason"].startswith("Client uploaded")
    assert {"field": "type", "from": "other_document", "to": "inspection_report"} in event["data"]["changes"]
    assert event["actor"]["label"] == "Cora Diaz"
    assert all(e["type"] != "document.corrected" for e in activity(api, park, CLIENT))  # staff-only record


def test_corrections_are_for_admins_and_coordinators_of_the_org(api, park, storage):
    _, doc = _uploaded(api, park)
    body = {"label": "Renamed", "reason": "Clearer for the client"}
    assert _correct(api, park, doc, body, as_user=AGENT).status == 403
    assert _correct(api, park, doc, body, as_user=CLIENT).status == 403
    assert _correct(api, park, doc, body, as_user=RIVAL_COORDINATOR).status == 404
    assert _correct(api, park, {"id": "dc_" + "a" * 26}, body).status == 404
    no_reason = _correct(api, park, doc, {"label": "Renamed"})
    assert no_reason.status == 422
    nothing = _correct(api, park, doc, {"reason": "No change at all"})
    assert nothing.status == 422 and nothing.error_code == "nothing_to_correct"
    assert all(e["type"] != "document.corrected" for e in activity(api, park))  # nothing was written


def test_the_correction_runbook_plans_corrects_once_and_then_finds_nothing_to_do(api, park, storage):
    request, doc = _uploaded(api, park)
    event = {
        "requested_by": "jane.ops@harbormain.example",
        "deal_id": park,
        "document_id": doc["id"],
        "type": "appraisal",
        "reason": "Lender's appraisal filed as misc",
    }
    run = HANDLERS["runbook_correct_document"]
    dry = run(event, None)
    assert dry["plan"] == [
        {
            "action": "set the type",
            "deal_id": park,
            "document_id": doc["id"],
            "from": "other_document",
            "to": "appraisal",
        }
    ]
    assert request_as(api, park, request["id"])["type"] == "other_document"  # a dry run changes nothing
    real = run({**event, "dry_run": False}, None)
    assert real["changed"][0]["type"] == "appraisal"
    assert request_as(api, park, request["id"])["type"] == "appraisal"
    again = run({**event, "dry_run": False}, None)
    assert again["plan"] == [] and again["changed"] == []
    [logged] = [e for e in activity(api, park) if e["type"] == "document.corrected"]
    assert logged["actor"]["label"] == "jane.ops@harbormain.example (console)"
