"""Volume for the scale tests and `make bench`: copies of a demo deal carrying many open items, written in
bulk straight through the store (BatchWriteItem), never through the API. Never deployed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import ids
from chalicelib.domain.entities import (
    ActivityEvent,
    DocumentRequest,
    Invitation,
    StageDwell,
    Task,
)
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import InvitationStatus, PartyRole, Visibility
from chalicelib.store.models import (
    ActivityItem,
    DealItem,
    DocumentRequestItem,
    InvitationItem,
    StageDwellItem,
    TaskItem,
)
from chalicelib.store.table import TableItem


@dataclass(frozen=True)
class OpenWork:
    """Per deal: tasks (half of them overdue) and required requests waiting on an upload."""

    tasks: int = 12
    requests: int = 8
    overdue_share: float = 0.5


def copy_deals(template_deal_id: str, count: int) -> list[str]:
    """`count` new deals shaped like the template deal (same org, workflow, stage; no parties)."""
    template = DealItem.get(*DealItem.key_for(deal_id=template_deal_id))
    raw = template.serialize()
    made: list[str] = []
    with TableItem.batch_write() as batch:
        for n in range(count):
            copy = DealItem.from_raw_data(raw | {"kind": {"S": "Deal"}})
            copy.deal_id = ids.new_id("dl")
            copy.title = f"Volume deal {n}"
            copy.refresh_keys()
            batch.save(copy)
            made.append(copy.deal_id)
    return made


def add_open_work(deal_ids: list[str], org_id: str, workflow: str, now: datetime, work: OpenWork) -> None:
    overdue = int(work.tasks * work.overdue_share)
    with TableItem.batch_write() as batch:
        for deal_id in deal_ids:
            for n in range(work.tasks):
                due = now - timedelta(days=n + 1) if n < overdue else now + timedelta(days=n + 1)
                batch.save(TaskItem.from_entity(_task(deal_id, org_id, workflow, n, due, now)))
            for n in range(work.requests):
                due = now + timedelta(days=n - work.requests // 2)
                batch.save(DocumentRequestItem.from_entity(_request(deal_id, org_id, workflow, n, due, now)))


def _task(deal_id: str, org_id: str, workflow: str, n: int, due: datetime, now: datetime) -> Task:
    return Task(
        deal_id=deal_id,
        task_id=ids.new_id("tk"),
        title=f"Task {n}",
        stage="due_diligence",
        owner_role="agent",
        status="open",
        visibility=Visibility.PARTIES,
        created_at=now,
        due_at=due,
        org_id=org_id,
        workflow=workflow,
    )


def _request(
    deal_id: str, org_id: str, workflow: str, n: int, due: datetime, now: datetime
) -> DocumentRequest:
    return DocumentRequest(
        deal_id=deal_id,
        request_id=ids.new_id("rq"),
        type="other",
        label=f"Document {n}",
        status="requested",
        visibility=Visibility.PARTIES,
        created_at=now,
        due_at=due,
        org_id=org_id,
        workflow=workflow,
    )


def add_stage_exits(deal_ids: list[str], org_id: str, workflow: str, stage: str, now: datetime) -> None:
    """One exit of `stage` per deal, spread over the last two years (one a day, going back)."""
    with TableItem.batch_write() as batch:
        for n, deal_id in enumerate(deal_ids):
            left = now - timedelta(days=n % 730, minutes=n)
            dwell = StageDwell(org_id, workflow, stage, deal_id, left - timedelta(days=3), left, 3 * 86_400)
            batch.save(StageDwellItem.from_entity(dwell))


def add_invitations(deal_ids: list[str], org_id: str, workflow: str, now: datetime) -> None:
    """One accepted invitation per deal, spread over the last two years."""
    with TableItem.batch_write() as batch:
        for n, deal_id in enumerate(deal_ids):
            created = now - timedelta(days=n % 730, minutes=n)
            invitation = Invitation(
                invitation_id=ids.new_id("iv"),
                org_id=org_id,
                deal_id=deal_id,
                workflow=workflow,
                user_id=ids.new_id("u"),
                email=f"volume{n}@example.com",
                role=PartyRole.CLIENT,
                status=InvitationStatus.ACCEPTED,
                token_hash=hashlib.sha256(f"volume{n}".encode()).hexdigest(),
                created_at=created,
                valid_until=created + timedelta(days=7),
                invited_by="volume",
                last_sent_at=created,
                accepted_at=created + timedelta(hours=1),
            )
            batch.save(InvitationItem.from_entity(invitation))


def add_org_events(
    org_id: str, count: int, now: datetime, *, summary_bytes: int = 200, deal_id: str | None = None
) -> None:
    """`count` events in the org's own log (or a deal's) over the last 20 days (an export's input)."""
    filler = "x" * summary_bytes
    with TableItem.batch_write() as batch:
        for n in range(count):
            event = ActivityEvent(
                event_id=ids.new_id("ev"),
                type=EventType.ORG_CREATED,
                at=now - timedelta(seconds=n * 20 * 86_400 // max(count, 1) + 1),
                actor_user_id="volume",
                actor_label="Volume",
                visibility=Visibility.INTERNAL,
                summary=f"Volume event {n} {filler}",
                org_id=org_id,
                deal_id=deal_id,
                data={"n": n},
            )
            batch.save(ActivityItem.from_entity(event))
