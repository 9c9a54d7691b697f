"""Local mode's notification triggers: the table stream → `outbox`, and the schedule → `reminder_sweep`.

The stream consumer reads the emulator's DynamoDB stream with GetRecords, shapes each batch exactly like
the Lambda event source mapping does, and calls the very handler Lambda would, honouring its
`batchItemFailures` (a failed record is read again on the next round). The sweep runs every minute
(every 15 in AWS); `make sweep` runs one on demand.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.config import settings

BATCH_SIZE = 100


@dataclass
class LambdaContext:
    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


class OutboxStream:
    """Polls the table's stream from where it stood when created (the seed's events are not replayed)."""

    name = "outbox"
    interval = 1.0

    def __init__(self) -> None:
        self._ddb = boto3.client("dynamodb", region_name=settings().region)
        # account-id endpoints (<account>.streams-ddb...) are AWS-only: the emulator answers the regional one
        self._streams = boto3.client(
            "dynamodbstreams",
            region_name=settings().region,
            config=Config(account_id_endpoint_mode="disabled"),
        )
        self._arn = self._ddb.describe_table(TableName=settings().table_name)["Table"]["LatestStreamArn"]
        self._shard = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"][0][
            "ShardId"
        ]
        self._last: str | None = None
        while self._read():  # skip what is already there
            pass

    def _read(self) -> list[dict[str, Any]]:
        # a fresh iterator each round: the emulator replaces its shard object when a transaction rolls back
        kwargs: dict[str, Any] = {"StreamArn": self._arn, "ShardId": self._shard}
        if self._last is None:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=self._last)
        iterator = self._streams.get_shard_iterator(**kwargs)["ShardIterator"]
        records: list[dict[str, Any]] = self._streams.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)[
            "Records"
        ]
        if records:
            self._last = records[-1]["dynamodb"]["SequenceNumber"]
        return records

    def poll(self) -> int:
        from app import outbox_handler

        before = self._last
        records = self._read()
        if not records:
            return 0
        reply = outbox_handler({"Records": [self._as_lambda(r) for r in records]}, LambdaContext("outbox"))
        failures = reply.get("batchItemFailures") or []
        if failures:  # read again from the first failed record next round, as Lambda retries
            first = failures[0]["itemIdentifier"]
            index = next(i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] == first)
            self._last = records[index - 1]["dynamodb"]["SequenceNumber"] if index else before
            if self._last is None:
                self._last = str(int(first) - 1)
        return len(records)

    def _as_lambda(self, record: dict[str, Any]) -> dict[str, Any]:
        body = dict(record["dynamodb"])
        created = body.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            body["ApproximateCreationDateTime"] = created.timestamp()
        return {**record, "dynamodb": body, "eventSourceARN": self._arn}


class ReminderSchedule:
    name = "reminder_sweep"
    interval = 60.0

    def poll(self) -> int:
        return sum(run_sweep().values())


def scheduled_event() -> dict[str, Any]:
    """What EventBridge Scheduler hands the function (Chalice reads these fields)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": settings().region,
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/reminder_sweep"],
        "detail": {},
    }


def run_sweep() -> dict[str, int]:
    from app import reminder_sweep

    result: dict[str, int] = reminder_sweep(scheduled_event(), LambdaContext("reminder_sweep"))
    return result
