"""AWS errors → domain errors. The only place that knows DynamoDB's error codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError
from pynamodb.exceptions import PynamoDBException

from chalicelib.domain.errors import Conflict, Unavailable

THROTTLING = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "ThrottlingError",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


def unavailable() -> Unavailable:
    return Unavailable("the database is busy; nothing was written, please retry", code="retry_later")


def write_conflict() -> Conflict:
    return Conflict(
        "someone else changed this record at the same moment; please retry", code="write_conflict"
    )


def error_code(exc: Exception) -> str | None:
    if isinstance(exc, PynamoDBException):
        return exc.cause_response_code
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code"))
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Reads and single writes: throttling and server faults become a retryable 503."""
    try:
        yield
    except (PynamoDBException, ClientError) as exc:
        if error_code(exc) in THROTTLING:
            raise unavailable() from exc
        raise
