"""The export queue (`EXPORT_QUEUE_NAME`): one message asks the `export_worker` function to advance one
export job by one slice (services/exports.py). A message says which job, and how many times a slice of it
failed in a row; it carries nothing else (no link, no user data).

The SQS client and the queue's URL (one GetQueueUrl per container) are created on first use.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.config import event_source, settings
from chalicelib.store.errors import translated

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

MAX_DELAY_SECONDS = 900  # SQS's longest delay


@dataclass(frozen=True)
class Work:
    export_id: str
    failures: int = 0  # slices of this job that failed in a row before this message

    def body(self) -> str:
        return json.dumps({"export_id": self.export_id, "failures": self.failures}, sort_keys=True)

    @classmethod
    def parsed(cls, body: str) -> Work | None:
        try:
            found: Any = json.loads(body)
            return cls(str(found["export_id"]), int(found.get("failures", 0)))
        except (ValueError, KeyError, TypeError):
            return None


def queue_name() -> str:
    return event_source("EXPORT_QUEUE_NAME")


@functools.cache
def _sqs() -> SQSClient:
    import boto3
    from botocore.config import Config

    client: SQSClient = boto3.client(
        "sqs",
        region_name=settings().region,
        config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"}),
    )
    return client


@functools.cache
def _url(name: str) -> str:
    with translated():
        return _sqs().get_queue_url(QueueName=name)["QueueUrl"]


def send(work: Work, delay_seconds: int = 0) -> None:
    delay = max(0, min(MAX_DELAY_SECONDS, int(delay_seconds)))
    with translated():
        _sqs().send_message(QueueUrl=_url(queue_name()), MessageBody=work.body(), DelaySeconds=delay)
