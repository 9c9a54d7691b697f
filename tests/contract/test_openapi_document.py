"""The OpenAPI document: valid OpenAPI 3.1, complete for a frontend developer, and derived from the code
so that it cannot drift (tests/support/contract.py checks every API test's answers against it)."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from chalicelib.api.http import ROUTES
from tests.support import contract

SUCCESS = {"200", "201", "202", "304"}  # 304: If-None-Match, no body


@pytest.fixture(scope="module")
def document(demo_snapshot) -> dict[str, Any]:
    from tests.conftest import SIGNER
    from tests.support.api import Api

    reply = Api(SIGNER).get("/v1/openapi.json", headers={"Host": "api.threshold.example"})
    assert reply.status == 200
    return reply.json


def operations(document: dict[str, Any]):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_the_served_document_is_valid_openapi_3_1(document):
    # Given the document the app serves / When openapi-spec-validator reads it / Then it raises nothing
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_described_with_its_response_schema(document):
    described = {(m, p) for m, p, _ in operations(document)}
    assert described == {(spec.method, spec.path) for spec in ROUTES}
    for method, path, operation in operations(document):
        # one success with a body (a 202 while a job runs shares it; a 304 has none)
        success = [s for s in operation["responses"] if s in SUCCESS and s != "304"]
        assert 1 <= len(success) <= 2, (method, path)
        for status in success:
            content = operation["responses"][status]["content"]
            if path == "/v1/calendar/{token}":  # the calendar feed is RFC 5545 text (docs/CALENDAR.md)
                assert content == {"text/calendar": {"schema": {"type": "string"}}}
                continue
            schema = content["application/json"]["schema"]
            if path != "/v1/openapi.json":  # the one free-form answer: this document
                assert "$ref" in schema, (method, path)
            assert operation["responses"][status]["description"] != "success"


def test_every_error_status_lists_its_codes(document):
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if status in SUCCESS:
                continue
            codes = response["content"]["application/json"]["schema"]["properties"]["error"]["properties"]
            assert codes["code"]["enum"], (method, path, status)
    transition = document["paths"]["/v1/deals/{deal_id}/transitions"]["post"]["responses"]
    assert (
        "definition_of_done_unmet"
        in transition["409"]["content"]["application/json"]["schema"]["properties"]["error"]["properties"][
            "code"
        ]["enum"]
    )


def test_response_shapes_are_closed_so_an_undeclared_field_is_drift(document):
    for name, schema in document["components"]["schemas"].items():
        if schema.get("type") == "object" and schema.get("properties"):
            assert schema.get("additionalProperties") is False, name


def test_headers_security_and_servers_are_declared(document):
    paths = document["paths"]
    if_match = {p["name"]: p for p in paths["/v1/deals/{deal_id}"]["patch"]["parameters"]}["If-Match"]
    assert if_match["in"] == "header" and if_match["required"] is True
    task_patch = {p["name"]: p for p in paths["/v1/deals/{deal_id}/tasks/{task_id}"]["patch"]["parameters"]}
    assert task_patch["If-Match"]["required"] is True
    create = paths["/v1/deals"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert {"ETag", "Location", "Idempotent-Replayed"} <= set(create["responses"]["201"]["headers"])
    assert "Retry-After" in create["responses"]["503"]["headers"]
    assert "ETag" in paths["/v1/deals/{deal_id}"]["get"]["responses"]["200"]["headers"]
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["bearer"]["description"],
    }
    # a person's ID token, or an API client's access token with the scope the route needs (issue 16)
    assert create["security"] == [{"bearer": []}, {"apiClient": ["threshold/deals:write"]}]
    assert paths["/v1/me"]["get"]["security"] == [{"bearer": []}]
    client_flow = document["components"]["securitySchemes"]["apiClient"]["flows"]["clientCredentials"]
    assert "threshold/deals:read" in client_flow["scopes"]
    assert paths["/v1/health"]["get"]["security"] == []
    assert document["servers"] == [{"url": "http://api.threshold.example", "description": "this deployment"}]
    assert create["requestBody"]["content"]["application/json"]["example"]["workflow"] == "purchase"


def test_waiting_on_and_the_workspace_fields_are_documented(document):
    deal = document["components"]["schemas"]["Deal"]
    assert "waiting_on" in deal["required"]
    waiting_on = document["components"]["schemas"]["WaitingOn"]
    assert "next move" in waiting_on["description"]
    assert set(waiting_on["required"]) == {"user_id", "role", "open_items", "next_due_at"}


def test_links_chain_a_created_deal_to_what_can_be_done_with_it(document):
    links = document["paths"]["/v1/deals"]["post"]["responses"]["201"]["links"]
    assert links["GetDeal"]["parameters"] == {"deal_id": "$response.body#/id"}
    assert links["PatchDeal"]["parameters"]["header.If-Match"] == "$response.body#/version"
    ids = {op["operationId"] for _, _, op in operations(document)}
    for _, _, operation in operations(document):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in ids


def test_the_drift_check_refuses_a_field_the_schema_lacks(seeded, api, monkeypatch):
    # Given a view that starts returning a field its response shape does not declare
    from chalicelib.domain import views

    real = views.deal_view

    def drifted(ws, access):
        return {**real(ws, access), "secret_margin": 0.03}

    monkeypatch.setattr(views, "deal_view", drifted)  # the deals routes read it from there on each call
    deal_id = seeded.deals["park_purchase"].deal_id
    # When an API test reads the deal / Then the contract check fails, naming the field
    with pytest.raises(contract.ContractBroken, match="secret_margin"):
        api.get(f"/v1/deals/{deal_id}", as_user="cora.coord@harbormain.example")


def test_the_drift_check_refuses_an_undeclared_error_code(seeded, api, monkeypatch):
    # Given a rule that starts refusing with a code the route does not declare (on a status it does)
    from chalicelib.domain.errors import NotFound
    from chalicelib.services import deals as deal_service

    def refuse(*_args, **_kwargs):
        raise NotFound("a refusal nobody declared", code="surprise_refusal")

    monkeypatch.setattr(deal_service, "get_workspace", refuse)
    deal_id = seeded.deals["park_purchase"].deal_id
    # When an API test meets it / Then the contract check fails, naming the code
    with pytest.raises(contract.ContractBroken, match="surprise_refusal"):
        api.get(f"/v1/deals/{deal_id}", as_user="cora.coord@harbormain.example")
