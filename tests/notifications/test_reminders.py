"""The reminders sweep: once per item per threshold, escalation to the coordinator, stops when done or the
deal is over, and reads only what is due (no Scan)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib import clock, ids
from chalicelib.domain.entities import Task
from chalicelib.domain.roles import Visibility
from chalicelib.services import reminders
from chalicelib.store.models import DealItem, TaskItem
from chalicelib.store.notification_models import ReminderMarkerItem
from chalicelib.store.table import TableItem, query_all
from tests.support.demo import deal_id
from tests.support.notify import add_request, add_task, notifications_of, user_id

CLIENT = "bianca.buyer@mail.example"
COORDINATOR = "cora.coord@harbormain.example"
# Before any demo task falls due (the demo deals' plans are dated from today): only this module's items
NOW = datetime(2020, 3, 2, 15, 0, tzinfo=UTC)


def reminder_subjects(email: str) -> list[str]:
    return sorted(n.message["subject"] for n in notifications_of(email) if n.channel == "in_app")


def markers(deal: str) -> list[str]:
    items = query_all(f"DEAL#{deal}", sort_condition=TableItem.sk.startswith("REMIND#"))
    return sorted(str(i.threshold) for i in items if isinstance(i, ReminderMarkerItem))


def test_the_sweep_run_twice_sends_one_reminder_per_threshold(seeded, outbox, sent):
    # Given the client's task due in 20 hours
    deal = deal_id(seeded, "park_purchase")
    add_task(deal, "Sign the inspection addendum", NOW + timedelta(hours=20), owner_user_id=user_id(CLIENT))

    # When the sweep runs twice, 15 minutes apart
    first = reminders.sweep(NOW)
    second = reminders.sweep(NOW + timedelta(minutes=15))
    outbox.run()

    # Then one "due soon" reminder went out, by email and in the app
    assert (first.reminders, second.reminders) == (1, 0)
    assert markers(deal) == ["upcoming"]
    assert reminder_subjects(CLIENT) == ["14 Elm St: due soon: Sign the inspection addendum"]
    assert len(sent.emails_to(CLIENT)) == 1


def test_each_threshold_fires_once_and_overdue_items_escalate_to_the_coordinator(seeded, outbox, sent):
    deal = deal_id(seeded, "park_purchase")
    due = NOW + timedelta(hours=2)
    add_task(deal, "Wire earnest money", due, owner_user_id=user_id(CLIENT))

    # When the sweep runs every 15 minutes across four days
    moment = NOW
    while moment < due + timedelta(days=4):
        reminders.sweep(moment)
        moment += timedelta(minutes=15)
    outbox.run()

    # Then the client heard "due soon", "due now", "overdue" once each; the coordinator got one escalation
    assert markers(deal) == ["due", "escalated", "overdue", "upcoming"]
    assert reminder_subjects(CLIENT) == [
        "14 Elm St: due now: Wire earnest money",
        "14 Elm St: due soon: Wire earnest money",
        "14 Elm St: overdue: Wire earnest money",
    ]
    assert reminder_subjects(COORDINATOR) == ["14 Elm St: overdue: Wire earnest money"]
    # the escalation is internal: the client never sees it
    assert all(n.event_type != "reminder.escalated" for n in notifications_of(CLIENT))


def test_a_late_sweep_sends_only_the_latest_threshold(seeded, outbox):
    # Given a task that was due yesterday and never reminded (the sweep was down)
    deal = deal_id(seeded, "park_purchase")
    add_task(deal, "Return the disclosures", NOW - timedelta(hours=30), owner_user_id=user_id(CLIENT))

    reminders.sweep(NOW)
    outbox.run()

    # Then the client is told it is overdue — not also "due soon" and "due now"
    assert reminder_subjects(CLIENT) == ["14 Elm St: overdue: Return the disclosures"]


def test_reminders_stop_when_the_item_is_done_or_the_deal_is_over(seeded, outbox):
    deal = deal_id(seeded, "park_purchase")
    done = add_task(
        deal, "Done already", NOW + timedelta(hours=3), owner_user_id=user_id(CLIENT), status="done"
    )
    request = add_request(deal, "Proof of funds", NOW + timedelta(hours=3), [user_id(CLIENT)])

    # When the deal is cancelled (a terminal stage), then the sweep runs
    item = DealItem.get(*DealItem.key_for(deal_id=deal))
    item.update(actions=[DealItem.stage.set("cancelled")])
    result = reminders.sweep(NOW)
    again = reminders.sweep(NOW + timedelta(minutes=15))
    outbox.run()

    # Then nothing is sent; the request leaves the due index for good, the done task was never in it
    assert result.reminders == 0 and result.stopped == 1 and again.stopped == 0
    assert notifications_of(CLIENT) == []
    assert TaskItem.get(*TaskItem.key_for(deal_id=deal, task_id=done.task_id)).gsi3pk is None
    assert markers(deal) == []
    assert request.request_id


def test_a_document_request_reminds_the_people_it_targets(seeded, outbox):
    deal = deal_id(seeded, "park_purchase")
    add_request(deal, "Pre-approval letter", NOW + timedelta(hours=5), [user_id(CLIENT)])

    reminders.sweep(NOW)
    outbox.run()

    assert reminder_subjects(CLIENT) == ["14 Elm St: due soon: Pre-approval letter"]
    assert reminder_subjects("ben.buyer@mail.example") == []


def test_the_sweep_over_2000_open_tasks_of_which_20_are_due_reads_at_most_24_items(seeded, ddb_calls):
    # Given 2,000 open tasks on one deal, 20 of them due within the day, written before tasks carried
    # their org (so the sweep batch-reads their deal once)
    deal = deal_id(seeded, "park_purchase")
    owner = user_id(CLIENT)
    clock.freeze(NOW)
    with TaskItem.batch_write() as batch:
        for n in range(2000):
            due = NOW + (timedelta(hours=3) if n % 100 == 0 else timedelta(days=10))
            task = Task(
                deal_id=deal,
                task_id=ids.new_id("tk"),
                title=f"Task {n}",
                stage="due_diligence",
                owner_role="client",
                status="open",
                visibility=Visibility.PARTIES,
                created_at=NOW,
                owner_user_id=owner,
                due_at=due,
            )
            batch.save(TaskItem.from_entity(task))

    # When the sweep runs
    ddb_calls.reset()
    result = reminders.sweep(NOW)

    # Then it sent 20 reminders, read at most 24 items (the 20 due and their deal, once), no Scan
    assert result.reminders == 20
    operations = ddb_calls.by_operation()
    assert "Scan" not in operations
    assert ddb_calls.items_read == 21
    assert operations["BatchGetItem"] == 1 and "GetItem" not in operations
    assert operations["TransactWriteItems"] == 20


def test_the_sweep_reads_one_item_per_due_item_however_many_deals_they_sit_on(seeded, ddb_calls):
    # Given 40 due tasks, each on its own open deal (the worst case for reading deals), and one more on a
    # deal that was cancelled while its close-out had not landed
    clock.freeze(NOW)
    open_deal = DealItem.get(*DealItem.key_for(deal_id=deal_id(seeded, "park_purchase")))
    with TableItem.batch_write() as batch:
        for n in range(40):
            copy = DealItem.from_raw_data(open_deal.serialize() | {"kind": {"S": "Deal"}})
            copy.deal_id = ids.new_id("dl")
            copy.refresh_keys()
            batch.save(copy)
            batch.save(TaskItem.from_entity(_due_task(copy.deal_id, f"Task {n}", copy.org_id)))
    closed = DealItem.from_raw_data(open_deal.serialize() | {"kind": {"S": "Deal"}})
    closed.deal_id, closed.stage = ids.new_id("dl"), "cancelled"
    closed.refresh_keys()
    closed.save()
    TaskItem.from_entity(_due_task(closed.deal_id, "On a closed deal", closed.org_id)).save()

    # When the sweep runs
    ddb_calls.reset()
    result = reminders.sweep(NOW)

    # Then 40 reminders went out and the closed deal's task stopped, reading only the 41 due items:
    # what a reminder needs travels on the item; each transaction checks its deal is still open
    assert (result.reminders, result.stopped) == (40, 1)
    operations = ddb_calls.by_operation()
    assert ddb_calls.items_read == 41  # 1.0 item per due item (the bar is 1.2)
    assert not {"GetItem", "BatchGetItem", "Scan"} & set(operations)
    assert (
        TaskItem.get(*TaskItem.key_for(deal_id=closed.deal_id, task_id=_task_on(closed.deal_id))).gsi3pk
        is None
    )


def _due_task(deal: str, title: str, org_id: str) -> Task:
    return Task(
        deal_id=deal,
        task_id=ids.new_id("tk"),
        title=title,
        stage="due_diligence",
        owner_role="client",
        status="open",
        visibility=Visibility.PARTIES,
        created_at=NOW,
        due_at=NOW + timedelta(hours=3),
        org_id=org_id,
        workflow="purchase",
    )


def _task_on(deal: str) -> str:
    items = query_all(f"DEAL#{deal}", sort_condition=TableItem.sk.startswith("W#TASK#"))
    return str(next(i.task_id for i in items if isinstance(i, TaskItem)))


def test_a_task_nobody_owns_yet_reminds_the_parties_holding_its_role(seeded, outbox):
    deal = deal_id(seeded, "park_purchase")
    add_task(deal, "Choose an inspector", NOW + timedelta(hours=5), owner_role="co_client")

    reminders.sweep(NOW)
    outbox.run()

    assert reminder_subjects("ben.buyer@mail.example") == ["14 Elm St: due soon: Choose an inspector"]
    assert reminder_subjects(CLIENT) == []


def test_the_scheduled_handler_runs_the_sweep_as_lambda_would(seeded):
    # Given a due task, when EventBridge invokes `reminder_sweep` with a scheduled event
    from devstack.notify import run_sweep

    deal = deal_id(seeded, "park_purchase")
    clock.freeze(NOW)
    add_task(deal, "Book the movers", NOW + timedelta(hours=4), owner_user_id=user_id(CLIENT))
    result = run_sweep()

    # Then the handler answers what it did
    assert result == {"reminders": 1, "escalations": 0, "stopped": 0, "sent": 0}
