"""End to end through the task routes: a task created for a client notifies them, is reminded by the sweep,
and once done leaves the due index for good."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.services import reminders
from chalicelib.store.models import TaskItem
from chalicelib.store.notification_models import ReminderMarkerItem
from chalicelib.store.table import TableItem, query_all
from tests.support.demo import deal_id
from tests.support.notify import notifications_of, user_id

AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"


def test_a_task_for_a_client_notifies_reminds_and_stops_once_done(seeded, api, outbox, sent):
    deal = deal_id(seeded, "park_purchase")
    due = clock.now() + timedelta(hours=10)

    # Given the agent gives the client a task due in 10 hours
    reply = api.post(
        f"/v1/deals/{deal}/tasks",
        {"title": "Sign the repair addendum", "owner_user_id": user_id(CLIENT), "due_at": clock.iso(due)},
        as_user=AGENT,
    )
    assert reply.status == 201, reply.json
    task_id = reply.json["id"]
    outbox.run()

    # Then the client is told by email and in the app, with a link to the deal
    [mail] = sent.emails_to(CLIENT)
    assert "Sign the repair addendum" in mail["Content"]["Simple"]["Subject"]["Data"]
    assert f"/deals/{deal}" in mail["Content"]["Simple"]["Body"]["Text"]["Data"]

    # When the sweep runs, the "due soon" reminder goes out once
    reminders.sweep(clock.now())
    reminders.sweep(clock.now() + timedelta(minutes=15))
    outbox.run()
    assert reminders_of(deal, task_id) == ["upcoming"]
    subjects = [n.message["subject"] for n in notifications_of(CLIENT) if n.channel == "in_app"]
    assert subjects.count("14 Elm St: due soon: Sign the repair addendum") == 1

    # When the client completes it, the task leaves the due index: no "due now" or "overdue" later
    task = api.get(f"/v1/deals/{deal}", as_user=CLIENT).json
    version = next(t for t in task["tasks"] if t["id"] == task_id).get("version", 1)
    done = api.patch(
        f"/v1/deals/{deal}/tasks/{task_id}",
        {"status": "done"},
        as_user=CLIENT,
        headers={"If-Match": f'"{version}"'},
    )
    assert done.status == 200, done.json
    assert TaskItem.get(*TaskItem.key_for(deal_id=deal, task_id=task_id)).gsi3pk is None
    reminders.sweep(due + timedelta(days=3))
    assert reminders_of(deal, task_id) == ["upcoming"]


def reminders_of(deal: str, task_id: str) -> list[str]:
    """The thresholds that fired for one task: its markers in the deal's partition."""
    items = query_all(f"DEAL#{deal}", sort_condition=TableItem.sk.startswith(f"REMIND#{task_id}#"))
    return sorted(str(i.threshold) for i in items if isinstance(i, ReminderMarkerItem))
