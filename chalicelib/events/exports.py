"""`export_worker`: the export queue's messages, one slice of an export job each (services/export_worker.py).

The queue delivers one message per invocation (batch size 1: a slice uses most of the function's time).
A message whose work could not be finished or handed on is reported in `batchItemFailures`: SQS delivers
it again after the queue's visibility timeout (and after five receives, keeps it in the dead-letter queue).
"""

from __future__ import annotations

from typing import Any

from chalicelib.observability import logger


def handle(event: Any) -> dict[str, list[dict[str, str]]]:
    from chalicelib.services.export_worker import advance
    from chalicelib.store.export_queue import Work

    failures: list[dict[str, str]] = []
    for record in event:
        raw = record.to_dict()
        message_id = str(raw.get("messageId", ""))
        logger.set_correlation_id(message_id)
        work = Work.parsed(record.body)
        if work is None:
            logger.error("an export message that names no export was dropped")
            continue
        receives = int(raw.get("attributes", {}).get("ApproximateReceiveCount", 1))
        try:
            outcome = advance(work, receives)
        except Exception:  # the job could not be handed on: SQS delivers this message again
            logger.exception("an export message will be delivered again", extra={"export_id": work.export_id})
            failures.append({"itemIdentifier": message_id})
            continue
        logger.info("export message handled", extra={"export_id": work.export_id, "outcome": outcome})
    return {"batchItemFailures": failures}
