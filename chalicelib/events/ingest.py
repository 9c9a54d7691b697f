"""`ingest_uploads`: S3 ObjectCreated notifications of the documents bucket, delivered through SQS.

Partial batch failures: a message whose processing failed is reported in `batchItemFailures` and comes
back after the queue's visibility timeout (then to the dead-letter queue); the rest of the batch is done.
The event source mapping must enable `ReportBatchItemFailures` (infra). S3's first message on a new
notification configuration is an `s3:TestEvent`, which is acknowledged and ignored. Object keys arrive
URL-encoded (spaces as `+`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from chalicelib.clock import parse_iso
from chalicelib.config import settings
from chalicelib.observability import logger


def ingest_uploads(event: Any) -> dict[str, list[dict[str, str]]]:
    from chalicelib.services.ingest import ingest_upload  # the ingest's modules load on its first event

    failures: list[dict[str, str]] = []
    for record in event:
        message_id = str(record.to_dict().get("messageId", ""))
        logger.set_correlation_id(message_id)
        try:
            for key, event_time in uploaded_objects(record.body):
                outcome = ingest_upload(key, event_time=event_time)
                logger.info(
                    "ingested an upload",
                    extra={
                        "result": outcome.result,
                        "refusal": outcome.refusal,
                        "document_id": outcome.document_id,
                    },
                )
        except Exception:  # any failure: SQS redelivers this message alone (then the DLQ keeps it)
            logger.exception(
                "ingest failed; the message will be redelivered", extra={"message_id": message_id}
            )
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}


def uploaded_objects(body: str) -> list[tuple[str, datetime | None]]:
    """The (key, event time) of each object created in the documents bucket that a message reports."""
    try:
        message = json.loads(body)
    except ValueError:
        logger.error("an upload notification that is not JSON was dropped")
        return []
    if not isinstance(message, dict) or message.get("Event") == "s3:TestEvent":
        return []
    found = []
    for record in message.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record.get("s3", {})
        if s3.get("bucket", {}).get("name") != settings().documents_bucket:
            logger.warning("a notification from another bucket was ignored")
            continue
        at = record.get("eventTime")
        found.append((unquote_plus(s3["object"]["key"]), parse_iso(at) if at else None))
    return found
