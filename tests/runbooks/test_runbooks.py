"""Each runbook: a dry run changes nothing and reports the plan; a real run changes exactly that; a second
run changes nothing more. Events come from tests/events/runbooks/ (the examples of docs/RUNBOOKS.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.config import settings
from chalicelib.runbooks.framework import RunbookInputError
from chalicelib.runbooks.handlers import HANDLERS
from chalicelib.store import task_owners
from chalicelib.store.models import ActivityItem
from tests.support.exports import export_queue
from tests.support.mailbox import Mailbox
from tests.support.records import add_task

EVENTS = Path(__file__).resolve().parent.parent / "events" / "runbooks"
CONSOLE = "console:arn:aws:sts::123456789012:assumed-role/ThresholdOps/jane.ops"
AGENT = "alex.agent@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
INVITEE = "new.title@example.com"
CLIENT = "bianca.buyer@mail.example"


def _table() -> list[dict[str, Any]]:
    client = boto3.client("dynamodb", region_name=settings().region)
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=settings().table_name):
        items += page["Items"]
    return sorted(items, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def _activity() -> list[dict[str, Any]]:
    return [i for i in _table() if i["kind"]["S"] == ActivityItem.__name__.removesuffix("Item") + "Event"]


@pytest.fixture
def ids(seeded, api) -> dict[str, str]:
    me = {
        name: api.get("/v1/me", as_user=email).json["id"]
        for name, email in (("alex", AGENT), ("cora", COORDINATOR))
    }
    return {
        "harbor_org_id": seeded.orgs["Harbor & Main Realty"],
        "alex_user_id": me["alex"],
        "cora_user_id": me["cora"],
    }


def _event(name: str, values: dict[str, str], **changes: Any) -> dict[str, Any]:
    text = (EVENTS / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return {**json.loads(text), **changes}


def _three_runs(name: str, values: dict[str, str]) -> tuple[dict, dict, dict, list, list]:
    """Dry run, real run, second real run; the table after the first and after the second real run."""
    handler = HANDLERS[name]
    before = _table()
    dry = handler(_event(name, values), None)
    assert dry["dry_run"] is True and dry["plan"] and dry["changed"] == []
    assert _table() == before, "a dry run wrote something"
    real = handler(_event(name, values, dry_run=False), None)
    assert real["plan"] == dry["plan"] and real["changed"]
    after = _table()
    again = handler(_event(name, values, dry_run=False), None)
    assert again["plan"] == [] and again["changed"] == [] and "nothing to do" in again["note"]
    assert _table() == after, "a second run changed something"
    return dry, real, again, before, after


def _new_events(before: list, after: list) -> list[dict[str, Any]]:
    keys = {(i["PK"]["S"], i["SK"]["S"]) for i in before}
    return [
        i for i in after if (i["PK"]["S"], i["SK"]["S"]) not in keys and i["kind"]["S"] == "ActivityEvent"
    ]


def test_deactivate_then_reactivate_a_user(seeded, api, ids):
    _, real, _, before, after = _three_runs("runbook_deactivate_user", ids)
    assert real["changed"] == [{"user_id": ids["alex_user_id"], "status": "deactivated"}]
    assert api.get("/v1/me", as_user=AGENT).error_code == "account_deactivated"
    [event] = _new_events(before, after)
    assert event["type"]["S"] == "user.deactivated" and event["actor_user_id"]["S"] == CONSOLE
    assert event["data"]["M"]["reason"]["S"] == "Left the brokerage on Friday"

    _, real, _, before, after = _three_runs("runbook_reactivate_user", ids)
    assert real["changed"] == [{"user_id": ids["alex_user_id"], "status": "active"}]
    assert api.get("/v1/me", as_user=AGENT).status == 200
    assert [e["type"]["S"] for e in _new_events(before, after)] == ["user.reactivated"]


def test_change_a_staff_role(seeded, api, ids):
    dry, _, _, before, after = _three_runs("runbook_change_staff_role", ids)
    assert dry["plan"][0] | {"user_id": "-"} == {
        "action": "change staff role",
        "user_id": "-",
        "org_id": ids["harbor_org_id"],
        "from": "agent",
        "to": "coordinator",
    }
    assert api.get("/v1/me", as_user=AGENT).json["staff"][0]["role"] == "coordinator"
    [event] = _new_events(before, after)
    assert event["type"]["S"] == "staff.role_changed" and event["actor_user_id"]["S"] == CONSOLE


def test_reassign_tasks(seeded, ids):
    park = seeded.deals["park_purchase"].deal_id
    tasks = {add_task(park, ids["alex_user_id"]).task_id for _ in range(3)}
    dry, real, _, before, after = _three_runs("runbook_reassign_tasks", ids)
    planned = {d["deal_id"]: set(d["task_ids"]) for d in dry["plan"] if d["action"] == "reassign tasks"}
    assert tasks <= planned[park]
    assert {d["deal_id"]: set(d["task_ids"]) for d in real["changed"]} == planned
    moved, _ = task_owners.open_tasks_page(ids["cora_user_id"], limit=100, start=None)
    assert set().union(*planned.values()) <= {t.task_id for t in moved}
    events = _new_events(before, after)
    assert {e["type"]["S"] for e in events} == {"tasks.reassigned"} and len(events) == len(planned)
    assert {e["actor_user_id"]["S"] for e in events} == {CONSOLE}


def _invite(api, deal: str) -> str:
    reply = api.post(f"/v1/deals/{deal}/parties", {"email": INVITEE, "role": "title"}, as_user=AGENT)
    return str(reply.json["invitation_id"])


def test_resend_an_invitation_sends_once_per_event(seeded, api, ids):
    mailbox = Mailbox()
    invitation = _invite(api, seeded.deals["park_purchase"].deal_id)
    old = mailbox.invitation_token(INVITEE)
    _three_runs("runbook_resend_invitation", {**ids, "invitation_id": invitation})
    assert len(mailbox.to(INVITEE)) == 2  # the first invitation and one resend, not two
    assert api.post(f"/v1/invitations/{old}/accept", as_user=INVITEE).error_code == "invitation_not_found"
    fresh = mailbox.invitation_token(INVITEE)
    assert api.post(f"/v1/invitations/{fresh}/accept", as_user=INVITEE).status == 200


def test_a_real_resend_must_name_the_sent_count_it_replaces(seeded, api, ids):
    Mailbox()
    invitation = _invite(api, seeded.deals["park_purchase"].deal_id)
    event = _event("runbook_resend_invitation", {**ids, "invitation_id": invitation}, dry_run=False)
    del event["sent_count"]
    from chalicelib.domain.errors import Conflict

    with pytest.raises(Conflict, match="sent_count: 1"):
        HANDLERS["runbook_resend_invitation"](event, None)


def test_revoke_an_invitation(seeded, api, ids):
    Mailbox()
    deal = seeded.deals["park_purchase"].deal_id
    invitation = _invite(api, deal)
    _, real, _, before, after = _three_runs("runbook_revoke_invitation", {**ids, "invitation_id": invitation})
    assert real["changed"] == [{"invitation_id": invitation, "status": "revoked"}]
    parties = api.get(f"/v1/deals/{deal}", as_user=AGENT).json["parties"]
    assert next(p for p in parties if p.get("email") == INVITEE)["status"] == "revoked"
    [event] = _new_events(before, after)
    assert event["type"]["S"] == "invitation.revoked" and event["actor_user_id"]["S"] == CONSOLE


def test_export_activity_dry_run_writes_nothing_and_a_real_run_one_file(seeded, ids):
    s3 = boto3.client("s3", region_name=settings().region)
    s3.create_bucket(Bucket=settings().documents_bucket)
    export_queue()  # the runbook queues the export for the export worker, then runs its first slice
    handler = HANDLERS["runbook_export_activity"]

    def files() -> int:
        return int(s3.list_objects_v2(Bucket=settings().documents_bucket, Prefix="exports/")["KeyCount"])

    before, files_before = _table(), files()
    dry = handler(_event("runbook_export_activity", ids), None)
    assert dry["plan"][0]["from"] and dry["changed"] == []
    assert _table() == before and files() == files_before

    real = handler(_event("runbook_export_activity", ids, dry_run=False), None)
    assert real["changed"][0]["status"] == "ready" and real["changed"][0]["count"] > 0
    assert files() == files_before + 1
    [event] = _new_events(before, _table())
    assert event["type"]["S"] == "activity.exported" and event["actor_user_id"]["S"] == CONSOLE


@pytest.mark.parametrize(
    "change",
    [
        {"requested_by": None},
        {"dry_run": "false"},
        {"surprise": 1},
        {"email": "not-an-email"},
        {"reason": ""},
    ],
)
def test_a_malformed_event_is_refused_before_anything_is_read(seeded, ids, change):
    event = _event("runbook_deactivate_user", ids, **change)
    event = {k: v for k, v in event.items() if v is not None}
    before = _table()
    with pytest.raises(RunbookInputError):
        HANDLERS["runbook_deactivate_user"](event, None)
    assert _table() == before


def test_every_runbook_is_a_registered_lambda_function_with_an_example_event():
    from app import app

    registered = {f.name for f in app.pure_lambda_functions}
    assert set(HANDLERS) <= registered
    assert {p.stem for p in EVENTS.glob("*.json")} == set(HANDLERS)


def test_revoke_a_party(seeded, api, ids):
    deal = seeded.deals["park_purchase"].deal_id
    ben = api.get("/v1/me", as_user="ben.buyer@mail.example").json["id"]
    assert api.get(f"/v1/deals/{deal}", as_user="ben.buyer@mail.example").status == 200
    _, real, _, before, after = _three_runs("runbook_revoke_party", {**ids, "deal_id": deal, "user_id": ben})
    assert real["changed"] == [{"deal_id": deal, "user_id": ben, "status": "revoked"}]
    assert api.get(f"/v1/deals/{deal}", as_user="ben.buyer@mail.example").status == 404
    [event] = _new_events(before, after)
    assert event["type"]["S"] == "party.revoked" and event["actor_user_id"]["S"] == CONSOLE
    assert event["data"]["M"]["reason"]["S"].startswith("Client asked")


def test_override_a_stage(seeded, api, ids):
    deal = seeded.deals["park_purchase"].deal_id  # in due diligence, its definition of done unmet
    dry, real, _, before, after = _three_runs("runbook_override_stage", {**ids, "deal_id": deal})
    [step] = dry["plan"]
    assert (step["from"], step["to"]) == ("due_diligence", "financing")
    assert {m.get("type") or m.get("key") for m in step["unmet"]} == {
        "inspection_report",
        "review_inspection",
        "resolve_inspection",
    }
    assert real["changed"][0]["stage"] == "financing"
    history = api.get(f"/v1/deals/{deal}", as_user=COORDINATOR).json["stage_history"][-1]
    assert (history["override"], history["by"], history["reason"]) == (
        True,
        "arn:aws:sts::123456789012:assumed-role/ThresholdOps/jane.ops (console)",
        "Buyer waived the inspection contingency in writing",
    )
    assert any(
        e["type"]["S"] == "deal.stage_changed" and e["actor_user_id"]["S"] == CONSOLE
        for e in _new_events(before, after)
    )


def _client_emailed(seeded) -> tuple[Mailbox, str]:
    """Given the client was emailed about a stage change: the mailbox and that notification's id."""
    from tests.support.notify import Outbox, notifications_of, stage_changed

    mailbox = Mailbox()
    events = boto3.client("events", region_name=settings().region)
    if settings().event_bus_name not in {b["Name"] for b in events.list_event_buses()["EventBuses"]}:
        events.create_event_bus(Name=settings().event_bus_name)
    outbox = Outbox()
    stage_changed(seeded.deals["park_purchase"].deal_id, AGENT)
    outbox.run()
    [original] = [n for n in notifications_of(CLIENT) if n.channel == "email"]
    assert len(mailbox.to(CLIENT)) == 1
    return mailbox, original.notification_id


def test_resend_a_notification_sends_it_once_per_event(seeded, ids):
    from tests.support.notify import notifications_of

    mailbox, original = _client_emailed(seeded)

    dry, real, _, before, after = _three_runs(
        "runbook_resend_notification", {**ids, "notification_id": original}
    )

    # Then the client got it once more (not twice), as a new notification linked to the original, and the
    # log names the console principal and the reason
    assert dry["plan"][0]["notification_id"] == original and dry["plan"][0]["resend_count"] == 0
    [changed] = real["changed"]
    assert changed["resent_from"] == original and changed["state"] == "sent"
    assert len(mailbox.to(CLIENT)) == 2
    emails = sorted(n.notification_id for n in notifications_of(CLIENT) if n.channel == "email")
    assert emails == sorted([original, changed["notification_id"]])
    [resent] = [e for e in _new_events(before, after) if e["type"]["S"] == "notification.resent"]
    assert resent["actor_user_id"]["S"] == CONSOLE
    assert resent["data"]["M"]["reason"]["S"] == "The client says the email never arrived"


def test_a_real_notification_resend_must_name_the_count_it_replaces(seeded, ids):
    from chalicelib.domain.errors import Conflict

    mailbox, original = _client_emailed(seeded)
    event = _event("runbook_resend_notification", {**ids, "notification_id": original}, dry_run=False)
    del event["resend_count"]
    with pytest.raises(Conflict, match="resend_count: 0"):
        HANDLERS["runbook_resend_notification"](event, None)
    assert len(mailbox.to(CLIENT)) == 1
