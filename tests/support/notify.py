"""Notification test helpers: record an activity event as a service would, pump the table stream into the
outbox handler (the same consumer local mode runs), create tasks and document requests through the store,
and read what SES, SNS and EventBridge were handed."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from chalicelib import clock, ids
from chalicelib.domain.entities import Actor, Deal, DocumentRequest, Party, Task
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.services.activity import deal_event
from chalicelib.store import deals as deal_store
from chalicelib.store import outbound
from chalicelib.store.models import DocumentRequestItem, TaskItem
from chalicelib.store.notification_models import NotificationItem
from chalicelib.store.table import TableItem, query_all
from chalicelib.store.unit_of_work import UnitOfWork
from chalicelib.store.users import load_principal
from devstack.notify import OutboxStream
from tests.support.records import deal_copies


def header(deal_id: str) -> tuple[Deal, list[Party]]:
    deal, parties = deal_store.load_header(deal_id)
    assert deal is not None
    return deal, parties


def user_id(email: str) -> str:
    user, _ = load_principal(email)
    assert user is not None
    return user.user_id


def actor(email: str) -> Actor:
    user, _ = load_principal(email)
    assert user is not None
    return Actor(user.user_id, user.name or email)


def record(
    deal_id: str,
    by: str,
    type: EventType,
    data: dict[str, Any],
    *,
    visibility: Visibility = Visibility.PARTIES,
    restricted_to: list[str] | None = None,
    summary: str = "something happened",
) -> str:
    """Record an activity event exactly as a service does (one transaction); returns its id."""
    deal, _ = header(deal_id)
    event = deal_event(
        deal, actor(by), type, summary, visibility=visibility, restricted_to=restricted_to or [], data=data
    )
    uow = UnitOfWork()
    uow.record(event)
    uow.commit()
    return event.event_id


def stage_changed(deal_id: str, by: str, **extra: Any) -> str:
    data: dict[str, Any] = {"from": "under_contract", "to": "due_diligence", "from_label": "Under contract"}
    data.update({"to_label": "Inspections", "override": False, **extra})
    return record(deal_id, by, EventType.DEAL_STAGE_CHANGED, data)


class Outbox:
    """The table stream, read from the moment this was created, fed to the `outbox` handler."""

    def __init__(self) -> None:
        self.stream = OutboxStream()

    def records(self) -> list[dict[str, Any]]:
        return self.stream._read()

    def deliver(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        from app import outbox_handler
        from devstack.notify import LambdaContext

        event = {"Records": [self.stream._as_lambda(r) for r in records]}
        reply: dict[str, Any] = outbox_handler(event, LambdaContext("outbox"))
        return reply

    def run(self) -> int:
        """Process everything written since the last run (and what that writes, until quiet)."""
        total = 0
        while (handled := self.stream.poll()) > 0:
            total += handled
        return total


def notifications_of(email: str) -> list[NotificationItem]:
    partition = NotificationItem.KEY.partition_for(user_id=user_id(email))
    return [i for i in query_all(partition) if isinstance(i, NotificationItem)]


def by_channel(email: str) -> Counter[str]:
    return Counter(i.channel for i in notifications_of(email))


def add_task(deal_id: str, title: str, due_at: datetime | None, **fields: Any) -> Task:
    task = Task(
        deal_id=deal_id,
        task_id=ids.new_id("tk"),
        title=title,
        stage=fields.pop("stage", "due_diligence"),
        owner_role=fields.pop("owner_role", "client"),
        status=fields.pop("status", "open"),
        visibility=fields.pop("visibility", Visibility.PARTIES),
        created_at=clock.now(),
        due_at=due_at,
        **{**deal_copies(deal_id), **fields},
    )
    TaskItem.from_entity(task).save(condition=TableItem.pk.does_not_exist())
    return task


def add_request(deal_id: str, label: str, due_at: datetime | None, targets: list[str]) -> DocumentRequest:
    request = DocumentRequest(
        deal_id=deal_id,
        request_id=ids.new_id("dr"),
        type=label.lower().replace(" ", "_"),
        label=label,
        status="requested",
        visibility=Visibility.PARTIES,
        created_at=clock.now(),
        due_at=due_at,
        target_user_ids=targets,
        **deal_copies(deal_id),
    )
    DocumentRequestItem.from_entity(request).save(condition=TableItem.pk.does_not_exist())
    return request


class Sent:
    """What the providers were handed, counted at the client (moto keeps no SESv2/EventBridge log)."""

    def __init__(self) -> None:
        self.emails: list[dict[str, Any]] = []
        self.sms: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Sent:
        self._hooks = [
            (outbound.ses(), "provide-client-params.sesv2.SendEmail", self.emails),
            (outbound.sns(), "provide-client-params.sns.Publish", self.sms),
            (outbound.eventbridge(), "provide-client-params.events.PutEvents", self.events),
        ]
        for client, name, bucket in self._hooks:
            client.meta.events.register(name, self._collector(bucket))
        return self

    @staticmethod
    def _collector(bucket: list[dict[str, Any]]) -> Any:
        def collect(params: dict[str, Any], **_: Any) -> None:
            bucket.append(params)

        return collect

    def __exit__(self, *exc: object) -> None:
        for client, name, _ in self._hooks:
            client.meta.events.unregister(name)

    def emails_to(self, address: str) -> list[dict[str, Any]]:
        return [e for e in self.emails if e["Destination"]["ToAddresses"] == [address]]

    def sms_to(self, phone: str) -> list[dict[str, Any]]:
        return [s for s in self.sms if s["PhoneNumber"] == phone]
