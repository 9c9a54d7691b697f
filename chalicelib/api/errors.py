"""The single map from domain errors to HTTP, and the error envelope every client can rely on:
{"error": {"code": "...", "message": "...", "details": ...}} — never a stack trace."""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.domain import errors

STATUS: dict[type[errors.DomainError], int] = {
    errors.BadRequest: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.PayloadTooLarge: 413,
    errors.Invalid: 422,
    errors.PreconditionRequired: 428,
    errors.TooManyRequests: 429,
    errors.Unavailable: 503,
}


def status_of(error: errors.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def envelope(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return {"error": body}


def error_response(error: errors.DomainError) -> Response:
    status = status_of(error)
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="invalid_token", error_description="{error.code}"'
    if status == 503:
        headers["Retry-After"] = "1"
    if status == 429:  # a rate limit (docs/INTAKE.md): the seconds until its window ends
        headers["Retry-After"] = str(getattr(error, "retry_after", 60))
    return Response(
        body=envelope(error.code, error.message, error.details), status_code=status, headers=headers
    )


# Chalice answers some requests itself ({"Code", "Message"}); the middleware re-wraps them.
CHALICE_CODES = {
    "BadRequestError": "bad_request",
    "UnauthorizedError": "unauthenticated",
    "ForbiddenError": "forbidden",
    "NotFoundError": "not_found",
    "MethodNotAllowedError": "method_not_allowed",
    "RequestTimeoutError": "timeout",
    "ConflictError": "conflict",
    "UnprocessableEntityError": "invalid",
    "TooManyRequestsError": "too_many_requests",
    "UnsupportedMediaType": "unsupported_media_type",
    "BadRequest": "bad_request",
    "InternalServerError": "internal_error",
}


# Chalice's messages quote the request ("Unsupported media type: <the Content-Type sent>"): the envelope
# says the same in fixed words, never echoing what the caller sent.
CHALICE_MESSAGES = {
    "method_not_allowed": "this route does not accept this method (see the Allow header)",
    "unsupported_media_type": "send the body as application/json",
    "internal_error": "an internal error occurred",
}


def rewrap_chalice_error(body: Any) -> dict[str, Any] | None:
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = CHALICE_CODES.get(str(body["Code"]), "error")
        return envelope(code, CHALICE_MESSAGES.get(code, "the request was refused"))
    return None
