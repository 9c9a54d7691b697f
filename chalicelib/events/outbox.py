"""The table stream → notifications and domain events (`outbox`).

Only INSERTs of activity events matter (events are append-only: no MODIFY or REMOVE ever carries news).
The first record that fails is reported in `batchItemFailures` and processing stops there: Lambda retries
the batch from that record (stream order is kept), the event source mapping sends it to its on-failure
destination once retries run out (docs/EVENTS.md), and the outbox's progress marker makes every retry
resume where the last attempt stopped rather than repeat it.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.entities import ActivityEvent
from chalicelib.observability import logger
from chalicelib.services import outbox as outbox_service
from chalicelib.store.models import ActivityItem
from chalicelib.store.table import TableItem


def activity_of(record: Any) -> ActivityEvent | None:
    """The ActivityEvent a stream record inserted, or None for anything else."""
    image = record.new_image
    if record.event_name != "INSERT" or not image or image.get("kind", {}).get("S") != "ActivityEvent":
        return None
    item = TableItem.from_raw_data(image)
    return item.to_entity() if isinstance(item, ActivityItem) else None


def handle(event: Any) -> dict[str, list[dict[str, str]]]:
    for record in event:
        try:
            activity = activity_of(record)
            if activity is not None:
                outbox_service.handle_event(activity)
        except Exception:  # report it, never drop it: Lambda retries from this record (then the DLQ)
            logger.exception("outbox record failed", extra={"sequence_number": record.sequence_number})
            return {"batchItemFailures": [{"itemIdentifier": record.sequence_number}]}
    return {"batchItemFailures": []}
