"""Local stand-in for the SQS event source mapping of `export_worker` (issue 18): poll the emulator's export
queue, hand each message (batch size 1, as deployed) to the very handler Lambda runs, delete it unless the
handler reported it failed (then SQS delivers it again after the visibility timeout, and after five
receives keeps it in the dead-letter queue) — as Lambda would. So `make run` finishes large exports by
itself, one slice per message, with no one polling."""

from __future__ import annotations

from typing import Any

import boto3

from chalicelib.config import settings
from devstack import resources

HANDLER = "export_worker"


class ExportQueueTrigger:
    name = "sqs-exports→export_worker"
    interval = 0.5

    def __init__(self) -> None:
        self._sqs = boto3.client("sqs", region_name=settings().region)
        self._url = resources.export_queue_url(settings())
        attributes = self._sqs.get_queue_attributes(QueueUrl=self._url, AttributeNames=["QueueArn"])
        self._arn = attributes["Attributes"]["QueueArn"]

    def poll(self) -> int:
        from chalice.local import LambdaContext

        from app import app

        messages = self._sqs.receive_message(
            QueueUrl=self._url, MaxNumberOfMessages=1, AttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            return 0
        (message,) = messages
        event = {"Records": [self._record(message)]}
        reply = app.handler_map[HANDLER](event, LambdaContext(HANDLER, memory_size=512))
        if reply.get("batchItemFailures"):
            return 0
        self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
        return 1

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
