"""What every route shares: the route decorator (auth, body, errors, idempotency), paging and ETags.

A view declares what it needs by parameter name: `caller` (the authenticated Caller), `body` (the
validated request model), `request` (the Chalice request), plus its path parameters.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.errors import error_response
from chalicelib.api.machine_scopes import scope_for
from chalicelib.auth import ClientIdentity, bearer_token, verifier
from chalicelib.config import settings
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import (
    BadRequest,
    DomainError,
    Invalid,
    PayloadTooLarge,
    PreconditionRequired,
    Unavailable,
)
from chalicelib.domain.responses import Page
from chalicelib.observability import logger
from chalicelib.services.principals import caller_for
from chalicelib.store import idempotency
from chalicelib.store.errors import AWS_ERRORS, retryable

if TYPE_CHECKING:
    from pydantic import BaseModel

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_LIMIT = re.compile(r"[0-9]{1,3}")
_VERSION = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Answer[T]:
    """A view's body with the headers it sets (ETag, Location). A view returns its body (a TypedDict of
    `domain/responses.py`) or an Answer of it: either way its return annotation names the response schema
    the OpenAPI document publishes (api/openapi.py)."""

    body: T
    headers: dict[str, str] = field(default_factory=dict)
    # If-None-Match named the current representation: a 304 with the headers and no body
    not_modified: bool = False
    # another success status than the route's own (e.g. 202 while a job runs): listed in
    # contract_routes.ALSO_ANSWERS so the document declares it
    status: int | None = None


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    summary: str
    auth: bool
    body: str | None  # a request model of chalicelib.domain.commands, by name
    status: int
    tag: str
    view: Callable[..., Any]  # its return annotation is the response schema (api/openapi.py)

    def body_model(self) -> type[BaseModel] | None:
        """Request models (and pydantic) load on first use, not at cold start (docs/BENCHMARKS.md)."""
        if self.body is None:
            return None
        from chalicelib.domain import commands

        model: type[BaseModel] = getattr(commands, self.body)
        return model


ROUTES: list[RouteSpec] = []


def route(
    bp: Blueprint,
    path: str,
    method: str,
    *,
    summary: str,
    auth: bool = True,
    body: str | None = None,
    status: int = 200,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        spec = RouteSpec(method, path, summary, auth, body, status, bp._import_name.rsplit(".", 1)[-1], view)
        ROUTES.append(spec)
        wants = set(inspect.signature(view).parameters)

        def handler(**path_params: str) -> Response:
            request = bp.current_request
            try:
                return _handle(spec, view, wants, request, path_params)
            except DomainError as error:
                return error_response(error)
            except AWS_ERRORS as exc:  # a fault no store call translated: throttled or no answer → 503
                fault = retryable(exc)
                if fault is None:
                    raise
                return error_response(fault)
            finally:
                idempotency.discard_claim()

        handler.__name__ = view.__name__
        handler.__doc__ = view.__doc__
        bp.route(path, methods=[method])(handler)
        return view

    return decorator


def _handle(
    spec: RouteSpec, view: Callable[..., Any], wants: set[str], request: Request, path_params: dict[str, str]
) -> Response:
    raw = _raw_body(request)
    kwargs: dict[str, Any] = dict(path_params)
    caller = authenticate(request) if spec.auth else None
    if caller is not None:  # a person passes; an API client (MachineCaller) only where its scopes open
        caller.require_scope(scope_for(spec.method, spec.path))
    if "caller" in wants:
        kwargs["caller"] = caller
    if "request" in wants:
        kwargs["request"] = request
    model = spec.body_model()
    if model is not None:
        kwargs["body"] = parse_body(raw, model)

    def produce() -> Response:
        return as_response(view(**kwargs), spec.status)

    if spec.method == "POST" and caller is not None:
        return _idempotent(
            request, caller, raw, produce, SHOWN_ONCE.get((spec.method, spec.path), frozenset())
        )
    return produce()


def _raw_body(request: Request) -> bytes:
    raw = request.raw_body or b""
    data = raw.encode() if isinstance(raw, str) else raw
    if len(data) > settings().max_body_bytes:
        raise PayloadTooLarge(f"the request body is larger than {settings().max_body_bytes} bytes")
    return data


def authenticate(request: Request) -> Caller:
    identity = verifier().verify(bearer_token(request.headers.get("authorization")))
    if isinstance(identity, ClientIdentity):
        from chalicelib.services.api_clients import caller_for_client

        client = caller_for_client(identity)
        logger.append_keys(user_id=client.user_id)
        return client
    caller = caller_for(identity.email, identity.name)
    logger.append_keys(user_id=caller.user_id)
    return caller


def parse_body(raw: bytes, model: type[BaseModel]) -> Any:
    from pydantic import ValidationError

    if not raw.strip():
        raise BadRequest("this request needs a JSON body", code="missing_body")
    _refuse_duplicate_keys(raw)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        problems = exc.errors(include_url=False, include_context=False, include_input=False)
        if any(p["type"] == "json_invalid" for p in problems):
            raise BadRequest("the request body is not valid JSON", code="malformed_json") from None
        details = [
            {
                "field": ".".join(str(part) for part in p["loc"]) or "(body)",
                "problem": p["msg"],
                "type": p["type"],
            }
            for p in problems
        ]
        raise Invalid(
            "some fields are missing, unknown or of the wrong type", code="invalid_fields", details=details
        ) from None


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _DuplicateKey
    return found


def _refuse_duplicate_keys(raw: bytes) -> None:
    """`{"role": "client", "role": "admin"}` would silently mean the last one (pydantic's parser, like
    most, keeps it; another reader of the same bytes may keep the first): refused as ambiguous. Any
    other JSON problem is left to the model's parser, which names it."""
    try:
        json.loads(raw, object_pairs_hook=_unique_keys)
    except _DuplicateKey:
        raise BadRequest("a JSON object names the same key twice", code="duplicate_json_keys") from None
    except (ValueError, RecursionError):
        return


def as_response(result: Any, status: int = 200) -> Response:
    if isinstance(result, Response):
        return result
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if isinstance(result, Answer):
        if result.not_modified:
            return Response(body="", status_code=304, headers=dict(result.headers))
        headers.update(result.headers)
        status = result.status or status
        result = result.body
    return Response(body=result, status_code=status, headers=headers)


def page_params(request: Request) -> tuple[int, str | None]:
    query: Mapping[str, str] = request.query_params or {}
    raw_limit = query.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        # ASCII digits only: str.isdigit() also accepts "²" or "١", which int() then refuses (a 500).
        if not _LIMIT.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT:
            raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}", code="invalid_limit")
        limit = int(raw_limit)
    return limit, query.get("cursor") or None


def query_param(request: Request, name: str) -> str | None:
    params: Mapping[str, str] = request.query_params or {}
    value = params.get(name)
    return value or None


def page[T](items: list[T], next_cursor: str | None) -> Page[T]:
    return {"items": items, "next_cursor": next_cursor}


def etag(version: int) -> str:
    """A record's own ETag (a task, a document request): its `version`, the value If-Match takes."""
    return f'"{version}"'


def workspace_etag(version: int, body: Mapping[str, Any]) -> str:
    """The deal workspace's ETag: the deal's version, then a digest of everything this caller sees
    (tasks, requests, versions, parties, history...), so it changes whenever any of it does and
    `If-None-Match` can answer 304. If-Match on the deal reads only the version part (docs/API.md)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
    return f'"{version}.{hashlib.sha256(canonical).hexdigest()[:20]}"'


def not_modified(request: Request, tag: str) -> bool:
    """If-None-Match (`*`, or a list of tags, weak or strong) names the current representation."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    wanted = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in wanted or tag in wanted


def expected_version(request: Request, *, workspace: bool = False) -> int:
    """The version named by If-Match: `"3"`, `3` or `W/"3"`; on the deal (`workspace=True`) also the
    workspace ETag `"3.<digest>"`, whose version part is what a write of the deal checks."""
    value = request.headers.get("if-match")
    if value is None:
        raise PreconditionRequired("send If-Match with the version you last read", code="if_match_required")
    text = value.strip().removeprefix("W/").strip('"')
    version, dot, _ = text.partition(".")
    if dot and not workspace:
        raise BadRequest(
            "If-Match carries a deal workspace's ETag: send this record's own version (its `version` "
            "field, or the ETag of its own answer)",
            code="if_match_of_another_record",
        )
    if not _VERSION.fullmatch(version):
        raise BadRequest('If-Match must carry the record\'s version, e.g. "3"', code="invalid_if_match")
    return int(version)


def _idempotent(
    request: Request,
    caller: Caller,
    raw: bytes,
    produce: Callable[[], Response],
    secrets: frozenset[str] = frozenset(),
) -> Response:
    key = request.headers.get("idempotency-key")
    if key is None:
        return produce()
    if not _IDEMPOTENCY_KEY.match(key):
        raise BadRequest(
            "Idempotency-Key must be 1 to 255 visible ASCII characters", code="invalid_idempotency_key"
        )
    scope = idempotency.scope_for(caller.user_id, key)
    fingerprint = idempotency.fingerprint(
        request.method, f"{request.path}?{json.dumps(request.uri_params or {}, sort_keys=True)}", raw
    )
    stored = idempotency.lookup(scope)
    if stored is not None:
        return _replay(stored, fingerprint)
    idempotency.open_claim(scope, fingerprint)
    try:
        response = produce()
    except idempotency.Replay:
        return _replay(idempotency.lookup(scope), fingerprint)
    if idempotency.claim_committed() and 200 <= response.status_code < 300:
        try:
            idempotency.store_answer(
                scope, response.status_code, json.dumps(_without(secrets, response.body))
            )
        except Unavailable:  # the change is written: answer it; a repeat learns the answer was lost
            logger.warning("the answer to an idempotent request was not stored")
    return response


def _replay(stored: Any, fingerprint: str) -> Response:
    if stored is None or stored.fingerprint != fingerprint:
        raise Invalid(
            "this Idempotency-Key was already used for a different request", code="idempotency_key_reused"
        )
    if stored.status_code is None:
        raise idempotency.unanswered(stored)
    return Response(
        body=json.loads(stored.body or "null"),
        status_code=int(stored.status_code),
        headers={"Content-Type": "application/json", "Idempotent-Replayed": "true"},
    )


# Answers that carry a secret (an API client's `client_secret`, a calendar feed's URL; docs/API_CLIENTS.md,
# docs/CALENDAR.md) are stored for Idempotency-Key replays without it: a replay says so instead of the table
# keeping the secret.
SHOWN_ONCE: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/v1/admin/api-clients"): frozenset({"client_secret"}),
    ("POST", "/v1/me/calendar/rotate"): frozenset({"url"}),
}
NOT_STORED = "(shown once, in the first answer; never stored)"


def _without(secrets: frozenset[str], body: Any) -> Any:
    if isinstance(body, dict) and secrets & body.keys():
        return {k: (NOT_STORED if k in secrets else v) for k, v in body.items()}
    return body
