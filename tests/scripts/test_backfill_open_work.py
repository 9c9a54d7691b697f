"""The backfill: items written before the org-level indexes join them — dry run first, idempotent, and a
run that stops picks up where it was."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from chalicelib import clock, ids
from chalicelib.domain.entities import DocumentRequest, StageDwell, Task
from chalicelib.domain.roles import Visibility
from chalicelib.store import reports as report_store
from chalicelib.store.models import DocumentRequestItem, StageDwellItem, TaskItem
from chalicelib.store.table import connection
from scripts.backfill_open_work import backfill

COORDINATOR = "cora.coord@harbormain.example"


def _legacy_records(deal_id: str, org_id: str) -> tuple[Task, DocumentRequest, StageDwell]:
    """A task, a request and a stage exit as the workflow engine wrote them before 2026-12."""
    now = clock.now()
    task = Task(
        deal_id,
        ids.new_id("tk"),
        "Old overdue task",
        "due_diligence",
        "agent",
        "open",
        Visibility.PARTIES,
        now,
    )
    task = dataclasses.replace(task, due_at=now - timedelta(days=2))
    TaskItem.from_entity(task).save()
    request = DocumentRequest(
        deal_id, ids.new_id("rq"), "other", "Old missing letter", "requested", Visibility.PARTIES, now
    )
    DocumentRequestItem.from_entity(request).save()
    dwell = StageDwell(
        org_id, "purchase", "intake", deal_id, now - timedelta(days=5), now - timedelta(days=1), 4 * 86_400
    )
    raw = StageDwellItem.from_entity(dwell).serialize()
    raw["SK"] = {"S": f"purchase#intake#{clock.iso(dwell.left_at)}#{deal_id}"}  # the old key
    connection().put_item(
        raw["PK"]["S"], raw["SK"]["S"], attributes={k: v for k, v in raw.items() if k not in ("PK", "SK")}
    )
    return task, request, dwell


def _report_ids(api, name: str, key: str) -> set[str]:
    reply = api.get(f"/v1/admin/reports/{name}?limit=100", as_user=COORDINATOR)
    assert reply.status == 200 and reply.json["next_cursor"] is None
    return {i[key] for i in reply.json["items"]}


def test_old_items_join_the_reports_once_and_a_second_run_changes_nothing(seeded, api, tmp_path):
    # Given a task, a request and a stage exit written before the org-level indexes existed
    org = seeded.orgs["Harbor & Main Realty"]
    task, request, dwell = _legacy_records(seeded.deals["park_purchase"].deal_id, org)
    assert task.task_id not in _report_ids(api, "overdue-tasks", "task_id")
    checkpoint = tmp_path / "checkpoint.json"

    # When ops first run it dry, then for real
    dry = backfill(apply=False, checkpoint=checkpoint)
    assert (dry.tagged, dry.rekeyed) == (2, 1) and not checkpoint.exists()
    assert task.task_id not in _report_ids(api, "overdue-tasks", "task_id")  # a dry run writes nothing
    done = backfill(apply=True, checkpoint=checkpoint)

    # Then the reports see them, the exit sits under its date-first key, and a second run has nothing to do
    assert (done.tagged, done.rekeyed, done.orphans) == (2, 1, 0)
    assert task.task_id in _report_ids(api, "overdue-tasks", "task_id")
    assert request.request_id in _report_ids(api, "missing-documents", "request_id")
    exits = report_store.stage_exits(
        org, start=dwell.left_at - timedelta(hours=1), end=dwell.left_at + timedelta(hours=1)
    )
    assert [e.deal_id for e in exits] == [dwell.deal_id]
    old_keys = [i for i in StageDwellItem.query(f"ORG#{org}#DWELL") if not i.sk[:1].isdigit()]
    assert old_keys == []
    checkpoint.unlink()
    again = backfill(apply=True, checkpoint=checkpoint)
    assert (again.tagged, again.rekeyed) == (0, 0)


def test_a_run_that_stops_resumes_from_its_checkpoint(seeded, tmp_path):
    # Given old records, and a run that stopped after its first page
    org = seeded.orgs["Harbor & Main Realty"]
    task, _, _ = _legacy_records(seeded.deals["park_purchase"].deal_id, org)
    checkpoint = tmp_path / "checkpoint.json"
    first = backfill(apply=True, checkpoint=checkpoint, segments=2, page_size=5, max_pages=1)
    assert first.pages == 1 and checkpoint.exists()

    # When it runs again with the same checkpoint
    rest = backfill(apply=True, checkpoint=checkpoint, segments=2, page_size=5)

    # Then it went on from there (never the first page again) and finished the work
    assert first.tagged + rest.tagged == 2 and first.rekeyed + rest.rekeyed == 1
    assert TaskItem.get(*TaskItem.key_for(deal_id=task.deal_id, task_id=task.task_id)).org_id == org
    assert backfill(apply=True, checkpoint=checkpoint, segments=2).pages == 0  # every segment is done
