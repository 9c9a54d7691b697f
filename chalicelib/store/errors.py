"""AWS errors → domain errors. The only place that knows DynamoDB's error codes.

Three kinds of fault are retryable and answer 503 with Retry-After (docs/ARCHITECTURE.md, "Faults"):
- throttling and server errors: DynamoDB refused the request, nothing was written (`retry_later`);
- no answer in time (a timeout, a reset or refused connection, a transaction still in progress under
  our token): the outcome is not known (`database_unreachable`) — a transaction is all or nothing, so
  either all of it landed or none of it, never a part;
- IdempotentParameterMismatch: DynamoDB refused a token already used for another write (a bug: every
  transaction gets a token of its own); nothing of this request was written (`retry_later`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from pynamodb.exceptions import PynamoDBException

from chalicelib.domain.errors import Conflict, DomainError, Unavailable
from chalicelib.observability import logger, metrics

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
# Our own transaction, under our token, is still being applied: whether it lands is not known yet.
IN_PROGRESS = "TransactionInProgressException"
PARAMETER_MISMATCH = "IdempotentParameterMismatchException"

# Every DynamoDB error this module can raise: what the API catches to map it (api/http.py).
AWS_ERRORS: tuple[type[Exception], ...] = (PynamoDBException, BotoCoreError, ClientError)


def unavailable() -> Unavailable:
    return Unavailable("the database is busy; nothing was written, please retry", code="retry_later")


def unreachable() -> Unavailable:
    return Unavailable(
        "the database did not answer in time; please retry (with the same Idempotency-Key, a retry never "
        "applies a change twice)",
        code="database_unreachable",
    )


def write_conflict() -> Conflict:
    return Conflict(
        "someone else changed this record at the same moment; please retry", code="write_conflict"
    )


def cause_of(exc: BaseException) -> BaseException:
    """PynamoDB wraps botocore's exception; this is the one botocore raised."""
    if isinstance(exc, PynamoDBException) and exc.cause is not None:
        return exc.cause
    return exc


def error_code(exc: BaseException) -> str | None:
    """DynamoDB's error code, or None when DynamoDB never answered (a timeout has no code)."""
    cause = cause_of(exc)
    if isinstance(cause, ClientError):
        return str(cause.response.get("Error", {}).get("Code"))
    return None


def no_answer(exc: BaseException) -> bool:
    """A timeout or a lost connection (ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError,
    ConnectionClosedError…): the request may or may not have been applied."""
    return isinstance(cause_of(exc), BotoConnectionError | HTTPClientError)


def retryable(exc: BaseException) -> DomainError | None:
    """The 503 a DynamoDB fault answers, or None when the fault is not a retryable one."""
    code = error_code(exc)
    if no_answer(exc) or code == IN_PROGRESS:
        logger.warning("DynamoDB did not answer", extra={"fault": type(cause_of(exc)).__name__})
        metrics.add_metric(name="DatabaseUnreachable", unit="Count", value=1)
        return unreachable()
    if code in THROTTLING:
        return unavailable()
    if code == PARAMETER_MISMATCH:
        logger.error("a ClientRequestToken was reused for another transaction")
        metrics.add_metric(name="ClientRequestTokenReused", unit="Count", value=1)
        return unavailable()
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Reads and single writes: throttling, server faults and lost answers become a retryable 503."""
    try:
        yield
    except AWS_ERRORS as exc:
        error = retryable(exc)
        if error is not None:
            raise error from exc
        raise
