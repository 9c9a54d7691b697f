"""The export queue in the in-process emulator, and the worker run on it as Lambda's SQS event source would
(exports worker, issue 18): receive a message, hand it to `export_worker` through the app's handler map,
delete it unless the handler reported it failed."""

from __future__ import annotations

from typing import Any

import boto3
from chalice.local import LambdaContext

from app import app
from chalicelib.config import settings
from devstack import resources

HANDLER = "export_worker"


def export_queue() -> str:
    """A new, empty queue (the emulator's, replaced): a test sees only its own messages, delayed or in
    flight ones included (PurgeQueue would leave those, and may run once a minute only)."""
    sqs = _sqs()
    name = resources.export_queue_name()
    if name in {u.rsplit("/", 1)[1] for u in sqs.list_queues(QueueNamePrefix=name).get("QueueUrls", [])}:
        sqs.delete_queue(QueueUrl=resources.export_queue_url(settings()))
    resources.create_export_queue(settings())
    return resources.export_queue_url(settings())


def _sqs() -> Any:
    return boto3.client("sqs", region_name=settings().region)


def receive() -> list[dict[str, Any]]:
    """The messages visible now, each as the SQS record Lambda would hand the function."""
    url = resources.export_queue_url(settings())
    found = (
        _sqs()
        .receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0)
        .get("Messages", [])
    )
    return [_record(m) for m in found]


def _record(message: dict[str, Any]) -> dict[str, Any]:
    attributes = dict(message.get("Attributes", {}))
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "awsRegion": settings().region,
    }


def deliver(rec: dict[str, Any]) -> dict[str, Any]:
    """Invoke the worker with one record; delete the message unless the handler reported it failed."""
    reply: dict[str, Any] = app.handler_map[HANDLER]({"Records": [rec]}, LambdaContext(HANDLER, 512))
    if not reply.get("batchItemFailures"):
        url = resources.export_queue_url(settings())
        _sqs().delete_message(QueueUrl=url, ReceiptHandle=rec["receiptHandle"])
    return reply


def _delays_passed() -> None:
    """Messages sent with DelaySeconds become visible now (as if their delay had passed): the emulator
    counts delays in real time, which a test does not wait for."""
    from moto.sqs.models import sqs_backends

    backend = sqs_backends["123456789012"][settings().region]
    for message in backend.queues[resources.export_queue_name()]._messages:
        message.delayed_until = 0


def drain(rounds: int = 50, *, delayed: bool = False) -> int:
    """Deliver messages until the queue is empty (with `delayed`, delayed ones too); how many were."""
    delivered = 0
    for _ in range(rounds):
        if delayed:
            _delays_passed()
        batch = receive()
        if not batch:
            return delivered
        for rec in batch:
            deliver(rec)
            delivered += 1
    raise AssertionError(f"the export queue still had messages after {rounds} rounds")


def record_of(rec: dict[str, Any], receives: int) -> dict[str, Any]:
    """The same message, as SQS delivers it again (its receive count grown)."""
    return {**rec, "attributes": {**rec["attributes"], "ApproximateReceiveCount": str(receives)}}
