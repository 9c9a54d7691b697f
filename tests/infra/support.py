"""Reading a synthesized template: resources by type, statements, what a value refers to."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aws_cdk.assertions import Template

from infra.functions import FUNCTION_TAG

SAM_FUNCTION = "AWS::Serverless::Function"


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def one(template: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    found = resources(template, kind)
    assert len(found) == 1, f"expected one {kind}, found {sorted(found)}"
    return next(iter(found.items()))


def assertions(template: dict[str, Any]) -> Template:
    return Template.from_json(template)


def refers_to(value: Any, logical_id: str) -> bool:
    """Whether a CloudFormation value (Ref, GetAtt, Join, Sub, ...) names the resource."""
    text = json.dumps(value)
    return f'"Ref": "{logical_id}"' in text or f'["{logical_id}", ' in text or f"${{{logical_id}" in text


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The app's functions by their name in app.py (`api_handler` for the REST API), from infra's tag."""
    return {
        body["Properties"]["Tags"][FUNCTION_TAG]: body for body in resources(template, SAM_FUNCTION).values()
    }


def logical_id_of_function(template: dict[str, Any], name: str) -> str:
    for logical_id, body in resources(template, SAM_FUNCTION).items():
        if body["Properties"]["Tags"][FUNCTION_TAG] == name:
            return logical_id
    raise KeyError(name)


def statements(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every policy statement: identity policies, roles' inline policies, resource and key policies."""
    for logical_id, body in template["Resources"].items():
        props = body.get("Properties", {})
        documents = []
        if "PolicyDocument" in props:
            documents.append(props["PolicyDocument"])
        documents += [p["PolicyDocument"] for p in props.get("Policies", []) if "PolicyDocument" in p]
        if body["Type"] == "AWS::KMS::Key":
            documents.append(props["KeyPolicy"])
        for document in documents:
            for statement in document["Statement"]:
                yield logical_id, statement


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allowed_actions(template: dict[str, Any], name: str) -> set[str]:
    """What a function's role may do: the Allow statements of the policies attached to it."""
    (role_id, _) = functions(template)[name]["Properties"]["Role"]["Fn::GetAtt"]
    policies = {
        pid
        for pid, body in resources(template, "AWS::IAM::Policy").items()
        if any(refers_to(r, role_id) for r in body["Properties"]["Roles"])
    }
    assert policies, f"no policy is attached to the role of {name}"
    return {
        a
        for pid, s in statements(template)
        if pid in policies and s["Effect"] == "Allow"
        for a in as_list(s["Action"])
    }
