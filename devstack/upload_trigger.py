"""Local stand-in for the SQS event source mapping of `ingest_uploads`: poll the emulator's upload queue,
hand each batch to the very handler Lambda runs, delete what it processed, and leave what it reported as
failed for redelivery (and, after five receives, the dead-letter queue) — as Lambda would."""

from __future__ import annotations

from typing import Any

import boto3

from chalicelib.config import settings
from devstack import resources

HANDLER = "ingest_uploads"


class UploadQueueTrigger:
    name = "s3-uploads→sqs→ingest_uploads"
    interval = 0.5

    def __init__(self) -> None:
        self._sqs = boto3.client("sqs", region_name=settings().region)
        self._url = resources.upload_queue_url(settings())
        attributes = self._sqs.get_queue_attributes(QueueUrl=self._url, AttributeNames=["QueueArn"])
        self._arn = attributes["Attributes"]["QueueArn"]

    def poll(self) -> int:
        from chalice.local import LambdaContext

        from app import app

        messages = self._sqs.receive_message(
            QueueUrl=self._url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        reply = app.handler_map[HANDLER](event, LambdaContext(HANDLER, memory_size=512))
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
