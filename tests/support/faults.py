"""Fault injection below botocore's retries: DynamoDB answering with an error, never answering, or
applying a request whose answer is then lost — so the SDK's own retry logic runs as it would in AWS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from moto.core.models import botocore_stubber

from chalicelib.store.table import connection

# What a lost connection looks like to botocore, by kind.
NO_ANSWER: dict[str, Callable[[str], Exception]] = {
    "read timeout": lambda url: ReadTimeoutError(endpoint_url=url),
    "connect timeout": lambda url: ConnectTimeoutError(endpoint_url=url),
    "connection reset": lambda url: ConnectionClosedError(endpoint_url=url),
    "endpoint unreachable": lambda url: EndpointConnectionError(endpoint_url=url),
}


@dataclass
class Fault:
    """Counts the attempts botocore made of the faulted operation."""

    attempts: int = 0
    delivered: int = 0  # requests that reached the emulator before their answer was lost
    seen: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def dynamodb_fault(
    operation: str,
    *,
    lose_answers: int = 0,
    no_answer: str | None = None,
    error: str | None = None,
    reasons: list[dict[str, Any]] | None = None,
) -> Iterator[Fault]:
    """Every attempt of `operation` while active: DynamoDB applies the request and its answer is lost (the
    first `lose_answers` attempts; later ones reach the emulator untouched), or nothing answers at all
    (`no_answer`: a kind of NO_ANSWER), or DynamoDB answers `error` (with cancellation `reasons`)."""
    fault = Fault()
    if error is not None:
        with _answer_error(operation, error, reasons, fault):
            yield fault
        return
    event = f"before-send.dynamodb.{operation}"

    def intercept(request: Any, **_: Any) -> None:
        fault.attempts += 1
        if fault.attempts <= lose_answers:
            botocore_stubber(event_name=event, request=request)  # DynamoDB applies it…
            fault.delivered += 1
            raise ReadTimeoutError(endpoint_url=request.url)  # …and the answer never arrives
        if no_answer is not None:
            raise NO_ANSWER[no_answer](request.url)

    events = connection().connection.client.meta.events
    events.register_first(event, intercept, unique_id=f"fault-{operation}")
    try:
        yield fault
    finally:
        events.unregister(event, unique_id=f"fault-{operation}")


@contextmanager
def _answer_error(
    operation: str, error: str, reasons: list[dict[str, Any]] | None, fault: Fault
) -> Iterator[None]:
    """DynamoDB's error answer, given where botocore hands over a ready answer (before-call): the
    mapping of the error is under test here, the SDK's retries are above."""
    event = f"before-call.dynamodb.{operation}"

    def respond(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        fault.attempts += 1
        code = "TransactionCanceledException" if reasons else error
        body: dict[str, Any] = {"Error": {"Code": code, "Message": error}}
        if reasons:
            body["CancellationReasons"] = reasons
        return AWSResponse("https://dynamodb", 400, HTTPHeaders(), None), body

    events = connection().connection.client.meta.events
    events.register_first(event, respond, unique_id=f"error-{operation}")  # type: ignore[arg-type]
    try:
        yield
    finally:
        events.unregister(event, unique_id=f"error-{operation}")
