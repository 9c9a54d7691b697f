"""Local stand-in for an SQS event source mapping: poll one of the emulator's queues, hand each batch to the
very handler Lambda runs, delete what it processed, and leave what it reported as failed for redelivery
(after the visibility timeout; after five receives, the dead-letter queue) — as Lambda would.

Two queues are polled so (devstack/triggers.py):
- uploads (S3 → SQS → `ingest_uploads`), ten messages a batch;
- exports (issue 18, SQS → `export_worker`), one message a batch as deployed, so `make run` finishes large
  exports by itself, one slice per message, with no one polling.
"""

from __future__ import annotations

from typing import Any

import boto3

from chalicelib.config import settings
from devstack import resources


class QueueTrigger:
    interval = 0.5

    def __init__(self, name: str, handler: str, queue_url: str, batch_size: int) -> None:
        self.name = name
        self._handler = handler
        self._batch_size = batch_size
        self._sqs = boto3.client("sqs", region_name=settings().region)
        self._url = queue_url
        attributes = self._sqs.get_queue_attributes(QueueUrl=self._url, AttributeNames=["QueueArn"])
        self._arn = attributes["Attributes"]["QueueArn"]

    def poll(self) -> int:
        """One batch: how many messages the handler finished (and were deleted)."""
        from chalice.local import LambdaContext

        from app import app

        messages = self._sqs.receive_message(
            QueueUrl=self._url,
            MaxNumberOfMessages=self._batch_size,
            AttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        reply = app.handler_map[self._handler](event, LambdaContext(self._handler, memory_size=512))
        failed = {f["itemIdentifier"] for f in reply.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=self._url,
                Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)],
            )
        return len(done)

    def _record(self, message: Any) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {},
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self._arn,
            "awsRegion": settings().region,
        }


def upload_queue_trigger() -> QueueTrigger:
    """The upload queue → `ingest_uploads`."""
    url = resources.upload_queue_url(settings())
    return QueueTrigger("s3-uploads→sqs→ingest_uploads", "ingest_uploads", url, batch_size=10)


def export_queue_trigger() -> QueueTrigger:
    """The export queue → `export_worker`, one slice per message."""
    url = resources.export_queue_url(settings())
    return QueueTrigger("sqs-exports→export_worker", "export_worker", url, batch_size=1)
