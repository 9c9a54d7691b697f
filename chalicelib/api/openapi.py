"""The OpenAPI 3.1 document, built from the route registry (`http.route`), the request models
(`domain/commands.py`) and the response shapes the views are typed with (`domain/responses.py`,
`domain/account_responses.py`), so the schemas cannot drift from what the code parses and serializes.
What a route's code does not say by itself — its query parameters, the error codes it answers, the links
between operations — is declared once per route in `api/contract.py`.

Built on the first request for it (pydantic derives the schemas), never at cold start."""

from __future__ import annotations

import copy
import functools
import re
import typing
from typing import Any

from chalicelib.api import contract
from chalicelib.api import contract_integrations as integrations  # issue 16
from chalicelib.api.http import ROUTES, Answer, RouteSpec

JSON = "application/json"
ERROR_STATUS_TEXT = {
    400: "The request cannot be read",
    401: "No valid bearer token",
    403: "Reachable, but not allowed",
    404: "Not found, or not reachable by the caller",
    409: "Conflicts with the record's current state",
    412: "If-Match names a version that is no longer current",
    413: "The body is larger than 64 KiB",
    415: "The body is not JSON",
    422: "A field breaks a rule",
    428: "If-Match is required",
    429: "Too many requests",
    503: "A dependency is busy or failing; nothing was written, retry after Retry-After",
}


def operation_id(spec: RouteSpec) -> str:
    return f"{spec.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', spec.path.lower()).strip('_')}"


def response_type(spec: RouteSpec) -> Any:
    """The view's return annotation (a TypedDict, or Answer of one), resolved in the view's module."""
    annotation = spec.view.__annotations__.get("return")

    def holder() -> None: ...

    holder.__annotations__ = {"return": annotation}
    resolved = typing.get_type_hints(holder, globalns=spec.view.__globals__)["return"]
    if typing.get_origin(resolved) is Answer:
        (resolved,) = typing.get_args(resolved)
    return resolved


def _optional_body(spec: RouteSpec) -> Any:
    name = contract.OPTIONAL_BODIES.get((spec.method, spec.path))
    if name is None:
        return None
    from chalicelib.domain import commands

    return getattr(commands, name)


def _mark_strict(module: Any) -> None:
    """Response shapes are closed (`additionalProperties: false`) and their docstrings are descriptions."""
    for value in vars(module).values():
        if typing.is_typeddict(value) and "__pydantic_config__" not in vars(value):
            value.__pydantic_config__ = {"extra": "forbid", "use_attribute_docstrings": True}


def _schemas() -> tuple[dict[tuple[str, str], Any], dict[str, Any]]:
    """Every request and response schema in one pass, sharing `components.schemas`."""
    from pydantic import TypeAdapter

    from chalicelib.domain import (
        account_responses,
        change_request_views,
        integration_responses,  # issue 16
        responses,
    )
    from chalicelib.domain import accounts_responses as issue_13_responses  # accounts (issue 13)

    _mark_strict(responses)
    _mark_strict(account_responses)
    _mark_strict(change_request_views)
    from chalicelib.domain import intake_responses  # intake, contacts and properties (docs/INTAKE.md)

    _mark_strict(intake_responses)
    # CRM in (issue 16): signed inbound leads (docs/CRM_IN.md)
    from chalicelib.domain import inbound_lead_responses

    _mark_strict(inbound_lead_responses)
    from chalicelib.domain import webhook_responses  # outbound webhooks

    _mark_strict(webhook_responses)
    _mark_strict(integration_responses)
    _mark_strict(issue_13_responses)  # accounts (issue 13)
    from chalicelib.domain import template_responses  # org-owned templates (docs/TEMPLATES.md)

    _mark_strict(template_responses)
    # e-signature (docs/ESIGN.md)
    from chalicelib.domain import esign_responses

    _mark_strict(esign_responses)
    inputs: list[tuple[tuple[str, str], Any, TypeAdapter[Any]]] = []
    for spec in ROUTES:
        model = spec.body_model() or _optional_body(spec)
        if model is not None:
            inputs.append(((operation_id(spec), "request"), "validation", TypeAdapter(model)))
        inputs.append(((operation_id(spec), "response"), "serialization", TypeAdapter(response_type(spec))))
    keyed, defs = TypeAdapter.json_schemas(inputs, ref_template="#/components/schemas/{model}")
    return {key: schema for (key, _mode), schema in keyed.items()}, defs.get("$defs", {})


def _error_response(status: int, codes: list[str]) -> dict[str, Any]:
    example_code = codes[0]
    return {
        "description": f"{ERROR_STATUS_TEXT.get(status, 'Error')}: `{'`, `'.join(codes)}`",
        "headers": contract.error_headers(status),
        "content": {
            JSON: {
                "schema": {
                    "allOf": [{"$ref": "#/components/schemas/Error"}],
                    "properties": {"error": {"properties": {"code": {"enum": codes}}}},
                },
                "example": {"error": {"code": example_code, "message": "what went wrong, in plain words"}},
            }
        },
    }


def _parameters(spec: RouteSpec) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "minLength": 1},
            "description": contract.PATH_PARAMETERS.get(name, "An opaque id"),
        }
        for name in re.findall(r"{(\w+)}", spec.path)
    ]
    params.extend(contract.query_parameters(spec.method, spec.path))
    params.extend(contract.header_parameters(spec))
    return params


def _operation(spec: RouteSpec, schema: dict[tuple[str, str], Any]) -> dict[str, Any]:
    op_id = operation_id(spec)
    media_type = integrations.MEDIA_TYPES.get((spec.method, spec.path), JSON)
    success: dict[str, Any] = {
        "description": spec.summary,
        "headers": contract.success_headers(spec),
        "content": {media_type: {"schema": schema[(op_id, "response")]}},
    }
    links = contract.links(spec.method, spec.path)
    if links:
        success["links"] = links
    responses: dict[str, Any] = {str(spec.status): success}
    for also in contract.ALSO_ANSWERS.get((spec.method, spec.path), []):
        responses[str(also)] = success
    if (spec.method, spec.path) in contract.IF_NONE_MATCH:
        responses["304"] = {"description": "Not modified: the If-None-Match ETag is current", "headers": {}}
    for status, codes in sorted(contract.error_codes(spec).items()):
        responses[str(status)] = _error_response(status, codes)
    operation: dict[str, Any] = {
        "operationId": op_id,
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": _parameters(spec),
        "responses": responses,
        "security": integrations.security(spec),
    }
    description = contract.DESCRIPTIONS.get((spec.method, spec.path))
    if description:
        operation["description"] = description
    if (op_id, "request") in schema:
        body: dict[str, Any] = {"schema": schema[(op_id, "request")]}
        example = contract.REQUEST_EXAMPLES.get((spec.method, spec.path))
        if example is not None:
            body["example"] = example
        operation["requestBody"] = {"required": spec.body is not None, "content": {JSON: body}}
    return operation


@functools.cache
def _document() -> dict[str, Any]:
    schema, defs = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for spec in ROUTES:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec, schema)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Threshold API",
            "version": "1",
            "description": contract.API_DESCRIPTION,
        },
        "servers": [{"url": "/", "description": "this deployment"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": contract.ERROR_SCHEMA, **defs},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An ID token (Cognito in AWS, the local key pair in local mode) with a "
                    "verified email",
                },
                **integrations.machine_security_schemes(),
            },
        },
    }


def document(base_url: str | None = None) -> dict[str, Any]:
    """The document; `servers` names the base URL it was served from, when known."""
    doc = _document()
    if base_url is None:
        return doc
    served = copy.copy(doc)
    served["servers"] = [{"url": base_url, "description": "this deployment"}]
    return served
