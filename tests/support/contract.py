"""The drift check: every answer the API tests receive is checked against the OpenAPI document the app
serves — its status must be documented for the operation, its body must match that status's schema (response
shapes are closed: a field the schema lacks fails, a required field missing fails) and an error's `code` must
be one the route declares.

`tests/support/api.py` runs it on every request, so each API test is also a contract test. Set
THRESHOLD_CONTRACT_LOG=path to append what was seen (method, route, status, code) instead of failing:
the way to find which codes a new route raises."""

from __future__ import annotations

import functools
import json
import os
import re

from jsonschema_rs import Draft202012Validator  # the Rust validator: a deal workspace in about a millisecond

from chalicelib.api import openapi


class ContractBroken(AssertionError):
    pass


@functools.cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for template in openapi.document()["paths"]:
        pattern = "^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$"
        out.append((re.compile(pattern), template))
    # literal segments win over parameters (`/v1/admin/activity-export` before `{deal_id}` routes)
    return sorted(out, key=lambda pair: pair[1].count("{"))


def route_of(path: str) -> str | None:
    bare = path.split("?", 1)[0]
    return next((template for pattern, template in _routes() if pattern.match(bare)), None)


@functools.cache
def _validator(method: str, template: str, status: str) -> Draft202012Validator | None:
    doc = openapi.document()
    response = doc["paths"][template][method]["responses"].get(status)
    if response is None:
        return None
    if "content" not in response:  # e.g. 304 Not Modified: no body at all
        return Draft202012Validator({"type": "null"})
    schema = response["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": doc["components"]})


def check(method: str, path: str, status: int, body: bytes) -> None:
    template = route_of(path)
    if template is None or method == "OPTIONS":
        return  # unknown routes and preflights are not operations of the document
    operation = openapi.document()["paths"][template].get(method.lower())
    if operation is None:
        return  # a method the route does not have: the framework's 405
    declared = operation["responses"].get(str(status), {})
    if "content" in declared and "application/json" not in declared["content"]:
        return  # a body that is not JSON (a calendar feed): its status is declared; its format is tested
    payload = json.loads(body) if body else None
    code = payload["error"].get("code") if isinstance(payload, dict) and "error" in payload else None
    log = os.environ.get("THRESHOLD_CONTRACT_LOG")
    if log:
        with open(log, "a") as out:
            out.write(json.dumps([method, template, status, code]) + "\n")
        return
    validator = _validator(method.lower(), template, str(status))
    if validator is None:
        raise ContractBroken(f"{method} {template} answered {status}: a status its OpenAPI operation lacks")
    problems = [
        f"{'/'.join(map(str, e.instance_path)) or '(body)'}: {e.message}"
        for e in validator.iter_errors(payload)
    ]
    if problems:
        raise ContractBroken(
            f"{method} {template} {status} does not match its OpenAPI schema"
            + (f" (error code {code!r})" if code else "")
            + ":\n  "
            + "\n  ".join(problems[:10])
        )
