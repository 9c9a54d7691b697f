"""The physical shape of the single table: key attributes, global secondary indexes, TTL, stream.

Pure data, shared by the store, local mode (devstack/resources.py) and the CDK app (infra/), so the
three can never disagree about an index name.
"""

from __future__ import annotations

PARTITION_KEY = "PK"
SORT_KEY = "SK"
TTL_ATTRIBUTE = "expires_at"
STREAM_VIEW = "NEW_AND_OLD_IMAGES"

# Overloaded, sparse GSIs (all attributes projected). What each one serves is in docs/DATA_MODEL.md.
GSI1 = "GSI1"  # feeds: a user's deals, an org's deals, user and notification by id, org staff, org activity
GSI2 = "GSI2"  # pipelines and queues: deals by workflow/stage, review queue, a vendor's work orders
GSI3 = "GSI3"  # the due-date index swept for reminders (write-sharded)

GLOBAL_INDEXES: dict[str, tuple[str, str]] = {
    GSI1: ("GSI1PK", "GSI1SK"),
    GSI2: ("GSI2PK", "GSI2SK"),
    GSI3: ("GSI3PK", "GSI3SK"),
}


def key_attributes() -> list[str]:
    names = [PARTITION_KEY, SORT_KEY]
    for pk, sk in GLOBAL_INDEXES.values():
        names += [pk, sk]
    return names
