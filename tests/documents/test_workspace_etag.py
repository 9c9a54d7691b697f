"""The deal workspace's ETag follows everything its caller sees, If-None-Match answers 304, and each
record's If-Match takes that record's own version (tested through HTTP headers)."""

from __future__ import annotations

from tests.documents.helpers import AGENT, CLIENT, COORDINATOR, new_request, user_id
from tests.support.uploads import PDF, Uploader, ingest


def _read(api, deal: str, email: str = CLIENT):
    reply = api.get(f"/v1/deals/{deal}", as_user=email)
    assert reply.status == 200
    return reply


def test_if_none_match_with_the_current_etag_is_a_304_without_a_body(api, park):
    first = _read(api, park)
    again = api.get(f"/v1/deals/{park}", as_user=CLIENT, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    assert again.raw == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    weak = api.get(
        f"/v1/deals/{park}", as_user=CLIENT, headers={"If-None-Match": f"W/{first.headers['ETag']}"}
    )
    assert weak.status == 304


def test_the_etag_changes_with_an_upload_a_review_and_a_task_completion(api, park, storage):
    # Given the client's current workspace
    tags = [_read(api, park).headers["ETag"]]
    # When a file is uploaded and ingested (the deal itself does not change)
    request = new_request(api, park)
    tags.append(_read(api, park).headers["ETag"])
    Uploader(api, park, request["id"], CLIENT).upload(PDF)
    ingest()
    after_upload = _read(api, park)
    tags.append(after_upload.headers["ETag"])
    # And the coordinator approves it
    [seen] = [r for r in after_upload.json["document_requests"] if r["id"] == request["id"]]
    document_id = seen["documents"][0]["id"]
    review = {"decision": "approve"}
    assert (
        api.post(f"/v1/deals/{park}/documents/{document_id}/review", review, as_user=COORDINATOR).status
        == 200
    )
    tags.append(_read(api, park).headers["ETag"])
    # And a message is posted
    assert api.post(f"/v1/deals/{park}/messages", {"body": "Got it, thanks"}, as_user=AGENT).status == 201
    tags.append(_read(api, park).headers["ETag"])
    # Then every change gave a new ETag, and the old one no longer gets a 304
    assert len(set(tags)) == len(tags), tags
    stale = api.get(f"/v1/deals/{park}", as_user=CLIENT, headers={"If-None-Match": tags[0]})
    assert stale.status == 200


def test_a_task_completion_changes_the_etag_and_takes_the_tasks_own_version(api, park):
    workspace = _read(api, park, AGENT)
    task = next(t for t in workspace.json["tasks"] if t["status"] == "open" and not t["depends_on"])
    path = f"/v1/deals/{park}/tasks/{task['id']}"
    body = {"status": "done", "proof": {"note": "Done on the phone"}}
    if task["proof_required"] in (None, "none"):
        body = {"status": "done"}
    # Given the deal's ETag sent as the task's If-Match: a clear 400, not a puzzling 412
    wrong = api.patch(path, body, as_user=AGENT, headers={"If-Match": workspace.headers["ETag"]})
    assert wrong.status == 400 and wrong.error_code == "if_match_of_another_record"
    # When the task's own version is sent
    done = api.patch(path, body, as_user=AGENT, headers={"If-Match": f'"{task["version"]}"'})
    assert done.status == 200, done.json
    assert done.headers["ETag"] == f'"{task["version"] + 1}"'
    # Then the workspace's ETag moved, though the deal's version did not
    after = _read(api, park, AGENT)
    assert after.headers["ETag"] != workspace.headers["ETag"]
    assert after.json["version"] == workspace.json["version"]


def test_the_deal_patch_accepts_the_workspace_etag_it_was_served(api, park):
    workspace = _read(api, park, AGENT)
    reply = api.patch(
        f"/v1/deals/{park}",
        {"title": "Reyes purchase"},
        as_user=AGENT,
        headers={"If-Match": workspace.headers["ETag"]},
    )
    assert reply.status == 200 and reply.json["version"] == workspace.json["version"] + 1


def test_a_created_requests_location_is_a_get_route_with_its_own_etag(api, park):
    created = api.post(
        f"/v1/deals/{park}/document-requests",
        {"type": "hoa_docs", "label": "HOA documents", "target_user_ids": [user_id(api, park, CLIENT)]},
        as_user=AGENT,
    )
    assert created.status == 201
    location = created.headers["Location"]
    fetched = api.get(location, as_user=CLIENT)
    assert fetched.status == 200
    assert fetched.json == created.json
    assert fetched.headers["ETag"] == created.headers["ETag"] == f'"{created.json["version"]}"'
    # someone who may not see it gets a 404
    assert api.get(location, as_user="rory.coord@rivalrealty.example").status == 404


def test_the_deal_carries_its_time_zone_and_due_times_are_utc_instants(api, park):
    deal = _read(api, park, AGENT).json
    assert deal["time_zone"] == "America/New_York"
    due = [t["due_at"] for t in deal["tasks"] if t["due_at"]]
    assert due and all(d.endswith("Z") for d in due)


def test_a_created_tasks_location_is_a_get_route_with_its_own_etag(api, park):
    created = api.post(f"/v1/deals/{park}/tasks", {"title": "Order the survey"}, as_user=AGENT)
    assert created.status == 201
    fetched = api.get(created.headers["Location"], as_user=AGENT)
    assert fetched.status == 200 and fetched.json == created.json
    assert fetched.headers["ETag"] == created.headers["ETag"] == f'"{created.json["version"]}"'
    assert api.get(created.headers["Location"], as_user="rory.coord@rivalrealty.example").status == 404
