"""Domain errors. Raised by rules and services; mapped to HTTP in exactly one place (api/errors.py)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class Unauthenticated(DomainError):
    """No valid identity: missing, expired, forged or misdirected token."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller reaches the record but may not take this action."""

    code = "forbidden"


class NotFound(DomainError):
    """The record does not exist or the caller cannot reach it (never say which)."""

    code = "not_found"


class Invalid(DomainError):
    """The request is well-formed JSON but breaks a field rule (422)."""

    code = "invalid"


class BadRequest(DomainError):
    """The request cannot be read at all: malformed JSON, a tampered cursor (400)."""

    code = "bad_request"


class Conflict(DomainError):
    """The request conflicts with the record's current state (409)."""

    code = "conflict"


class PreconditionFailed(DomainError):
    """If-Match names a version that is no longer current (412)."""

    code = "stale_version"


class PreconditionRequired(DomainError):
    """A replace without If-Match (428)."""

    code = "precondition_required"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class TooManyRequests(DomainError):
    code = "too_many_requests"


class Unavailable(DomainError):
    """A dependency is throttling or failing; nothing was written, try again (503)."""

    code = "unavailable"
