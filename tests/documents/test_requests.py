"""Asking for documents and handing out upload forms: who may, and what a request must say."""

from __future__ import annotations

import pytest

from tests.documents.helpers import (
    AGENT,
    CLIENT,
    CO_CLIENT,
    COORDINATOR,
    LENDER,
    new_request,
    request_as,
    user_id,
)
from tests.support.demo import RIVAL_ADMIN

TITLE = "tom@clearskytitle.example"


def test_a_request_from_the_template_takes_its_definition(api, park):
    reply = api.post(
        f"/v1/deals/{park}/document-requests", {"template_key": "pre_approval_letter"}, as_user=AGENT
    )
    assert reply.status == 201, reply.json
    made = reply.json
    assert (made["type"], made["label"], made["stage"]) == (
        "pre_approval_letter",
        "Pre-approval letter",
        "pre_approval",
    )
    # the template says clients and lenders upload it
    assert set(made["target_user_ids"]) == {
        user_id(api, park, CLIENT),
        user_id(api, park, LENDER),
    }
    assert made["required"] is True and made["status"] == "requested" and made["documents"] == []
    assert reply.headers["Location"] == f"/v1/deals/{park}/document-requests/{made['id']}"


def test_fields_given_override_the_template(api, park):
    reply = api.post(
        f"/v1/deals/{park}/document-requests",
        {"template_key": "pre_approval_letter", "label": "Updated pre-approval", "max_bytes": 5_000_000},
        as_user=AGENT,
    )
    assert reply.status == 201
    assert (reply.json["label"], reply.json["max_bytes"]) == ("Updated pre-approval", 5_000_000)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"label": "No type"}, 422, "type_and_label_required"),
        ({"template_key": "no_such_document"}, 422, "unknown_document_template"),
        ({"type": "x", "label": "X", "target_user_ids": ["u_" + "a" * 26]}, 422, "not_a_party"),
        ({"type": "x", "label": "X", "accepted_types": ["application/zip"]}, 422, "unsupported_type"),
        ({"type": "x", "label": "X", "stage": "moon_landing"}, 422, "unknown_stage"),
        ({"type": "x", "label": "X", "max_bytes": 200 * 1024 * 1024}, 422, "invalid_fields"),
        ({"type": "x", "label": "X", "owner": "me"}, 422, "invalid_fields"),
    ],
    ids=[
        "no-type",
        "unknown-template-doc",
        "stranger",
        "unsupported-type",
        "unknown-stage",
        "too-big",
        "unknown-field",
    ],
)
def test_a_bad_request_is_refused_and_nothing_is_written(api, park, body, status, code):
    before = api.get(f"/v1/deals/{park}/document-requests", as_user=AGENT).json["items"]
    reply = api.post(f"/v1/deals/{park}/document-requests", body, as_user=AGENT)
    assert (reply.status, reply.error_code) == (status, code)
    assert api.get(f"/v1/deals/{park}/document-requests", as_user=AGENT).json["items"] == before


@pytest.mark.parametrize(
    ("email", "status"),
    [(AGENT, 201), (COORDINATOR, 201), (CLIENT, 403), (LENDER, 403), (RIVAL_ADMIN, 404)],
)
def test_only_the_deal_team_requests_documents(api, park, email, status):
    reply = api.post(f"/v1/deals/{park}/document-requests", {"type": "x", "label": "X"}, as_user=email)
    assert reply.status == status


def test_parties_see_the_requests_their_visibility_allows(api, park):
    lender = user_id(api, park, LENDER)
    shared = new_request(api, park)
    lender_only = new_request(api, park, visibility="restricted", restricted_to=[lender], targets=())
    internal = new_request(api, park, visibility="internal", targets=())

    def ids(email: str) -> set[str]:
        return {r["id"] for r in api.get(f"/v1/deals/{park}/document-requests", as_user=email).json["items"]}

    assert {shared["id"], lender_only["id"], internal["id"]} <= ids(AGENT)
    assert shared["id"] in ids(CO_CLIENT) and not {lender_only["id"], internal["id"]} & ids(CO_CLIENT)
    assert {shared["id"], lender_only["id"]} <= ids(LENDER) and internal["id"] not in ids(LENDER)
    assert api.get(f"/v1/deals/{park}/document-requests", as_user=RIVAL_ADMIN).status == 404


def upload_form(api, park, request_id, email, **body):
    payload = {"file_name": "letter.pdf", "content_type": "application/pdf", **body}
    return api.post(f"/v1/deals/{park}/document-requests/{request_id}/uploads", payload, as_user=email)


@pytest.mark.parametrize(
    ("email", "status"),
    [
        (CLIENT, 201),  # targeted
        (AGENT, 201),  # deal team
        (COORDINATOR, 201),
        (CO_CLIENT, 403),  # sees the request, is not asked for it
        (TITLE, 403),
        (RIVAL_ADMIN, 404),
    ],
)
def test_only_a_target_or_the_deal_team_gets_an_upload_form(api, park, email, status):
    request = new_request(api, park)
    assert upload_form(api, park, request["id"], email).status == status


def test_a_request_someone_cannot_see_is_not_found_for_them(api, park):
    internal = new_request(api, park, visibility="internal")  # even though the client is its target
    reply = upload_form(api, park, internal["id"], CLIENT)
    assert reply.status == 404 and reply.error_code == "not_found"
    assert upload_form(api, park, "rq_" + "z" * 26, CLIENT).status == 404


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"content_type": "image/gif"}, 422, "type_not_accepted"),
        ({"size": 0}, 422, "empty_file"),
        ({"size": 1001}, 413, "file_too_large"),
        ({"file_name": "/"}, 422, "invalid_fields"),
    ],
)
def test_a_form_is_refused_for_a_file_the_request_cannot_take(api, park, body, status, code):
    request = new_request(api, park, max_bytes=1000)
    reply = upload_form(api, park, request["id"], CLIENT, **body)
    assert (reply.status, reply.error_code) == (status, code)
    assert request_as(api, park, request["id"])["status"] == "requested"
