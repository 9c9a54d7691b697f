"""The change request item (docs/CHANGE_REQUESTS.md); its keys are declared here, once.

DEAL#{deal_id}  W#CR#{change_request_id}    in the workspace range: the deal's waiting_on and its stage
                                            gates see open requests in the workspace's one Query
  GSI1  ORG#{org_id}#CR#DECIDED / {decided_at}#{id}     decided requests (time-to-decision report)
  GSI2  ORG#{org_id}#CR#OPEN / {submitted_at}#{id}      open requests, oldest first (sparse)
  GSI3  DUE#{shard} / {next_reminder_at}#...            the reminders sweep, while `submitted`
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.domain.change_requests import OPEN, ChangeRequest, Status
from chalicelib.store import schema
from chalicelib.store.notification_models import DUE_INDEX, DUE_INDEX_DEPENDS, due_key_values
from chalicelib.store.table import KeyFormat, TableItem, share_connection

CHANGE_REQUEST_PREFIX = "W#CR#"


def _text(null: bool = True) -> UnicodeAttribute:
    return UnicodeAttribute(null=null)


class ChangeRequestItem(TableItem, discriminator="ChangeRequest"):
    KEY = KeyFormat("DEAL#{deal_id}", CHANGE_REQUEST_PREFIX + "{change_request_id}")
    INDEXES = {
        schema.GSI1: KeyFormat("ORG#{org_id}#CR#DECIDED", "{decided_at}#{change_request_id}"),
        schema.GSI2: KeyFormat("ORG#{org_id}#CR#OPEN", "{submitted_at}#{change_request_id}"),
        schema.GSI3: DUE_INDEX,
    }
    INDEX_DEPENDS = {schema.GSI2: frozenset({"status"}), schema.GSI3: DUE_INDEX_DEPENDS}
    ENTITY = ChangeRequest

    deal_id = _text(False)
    change_request_id = _text(False)
    org_id = _text(False)
    workflow = _text(False)
    type = _text(False)
    label = _text(False)
    status = _text(False)
    fields: MapAttribute[str, Any] = MapAttribute(null=True)
    submitted_by = _text(False)
    submitted_by_name = _text(False)
    submitted_at = _text(False)
    due_at = _text(False)
    visibility = _text(False)
    required_roles = ListAttribute(null=True)  # type: ignore[var-annotated]
    mode = _text(False)
    version = NumberAttribute()
    round = NumberAttribute()
    comment = _text()
    submitter_roles = ListAttribute(null=True)  # type: ignore[var-annotated]
    restricted_to = ListAttribute(null=True)  # type: ignore[var-annotated]
    decisions = ListAttribute(null=True)  # type: ignore[var-annotated]
    baseline: MapAttribute[str, Any] = MapAttribute(null=True)
    waiting_on_user_ids = ListAttribute(null=True)  # type: ignore[var-annotated]
    effects = ListAttribute(null=True)  # type: ignore[var-annotated]
    decided_at = _text()
    reminded = _text()  # reminder progress against the SLA, "<threshold>@<due_at>" (domain/reminders.py)

    @property
    def title(self) -> str:
        """What a reminder calls it."""
        return f"Decision on the {str(self.label).lower()}"

    def index_enabled(self, index: str) -> bool:
        if index == schema.GSI2:
            return self.status in {s.value for s in OPEN}
        return True

    def key_values(self) -> dict[str, Any]:
        values = super().key_values()
        waiting = self.status == Status.SUBMITTED.value
        return due_key_values(values, kind="change_request", item_id=self.change_request_id, is_open=waiting)


share_connection(ChangeRequestItem)  # store/models.py: LAZY_ITEM_MODULES
