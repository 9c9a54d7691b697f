"""Moving an open deal to another version of its template (docs/TEMPLATES.md): a dry run lists what would
be added, re-dated and cancelled; applying it is one audited operation.

Applying: the deal's new pin (template, version, new key dates), its activity event and as many plan
changes as fit go in one transaction, conditioned on the deal's version; the plan changes that do not fit
follow at once (`follow_up`), each conditioned — an added item on not existing yet, a re-dated or cancelled
one on still being in the status it was read in — as a terminal stage's cancellations do
(docs/WORKFLOWS.md). Applying again to the same version re-plans from what is there: it adds only what is
still missing (added items have ids derived from the deal, target and item key) and writes nothing when
nothing is left, so a retry — even after a follow-up failed — completes the move and duplicates nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.domain import workflows
from chalicelib.domain.access import Action, Caller
from chalicelib.domain.errors import Conflict, Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.org_templates import Migration, plan_migration
from chalicelib.domain.roles import Visibility
from chalicelib.services.access import workspace_access
from chalicelib.services.activity import deal_event
from chalicelib.store import deals as deal_store
from chalicelib.store import plan as plan_store
from chalicelib.store import templates as template_store
from chalicelib.store.models import DocumentRequestItem, TaskItem
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.entities import Deal
    from chalicelib.domain.template_commands import TemplateMigrationIn

MAX_LISTED = 100  # items named in the event per list (counts are always complete)


@dataclass
class Moved:
    deal: Deal
    before: tuple[str | None, int]
    after: tuple[str | None, int]
    migration: Migration


def _target(
    deal: Deal, template_id: str | None, version: int
) -> tuple[str | None, workflows.WorkflowTemplate]:
    wanted = template_id if template_id is not None else (deal.template_id or deal.workflow)
    if wanted in workflows.registry().workflows():
        if (wanted, version) not in workflows.registry().templates:
            raise NotFound("no such template version", code="template_not_found")
        return None, workflows.pinned(wanted, version)
    return wanted, template_store.published(deal.org_id, wanted, version)


def migrate(caller: Caller, deal_id: str, command: TemplateMigrationIn) -> Moved:
    ws, access = workspace_access(caller, deal_id)
    access.require(Action.OVERRIDE_STAGE)  # admins and coordinators of the deal's org
    deal = ws.deal
    current = workflows.of_deal(deal)
    if current.stage(deal.stage).terminal:
        raise Conflict("the deal is closed", code="deal_closed")
    target_id, target = _target(deal, command.template_id, command.version)
    if target.workflow != deal.workflow:
        raise Invalid(
            f"a {deal.workflow} deal runs a {deal.workflow} template", code="template_workflow_mismatch"
        )
    if not target.has_stage(deal.stage):
        raise Conflict(
            f"version {target.version} has no stage '{deal.stage}'; move the deal first",
            code="stage_not_in_template",
        )
    now = clock.now()
    migration = plan_migration(
        deal, current, target, target_id or target.workflow, ws.tasks, ws.document_requests, ws.parties, now
    )
    before = (deal.template_id, deal.template_version)
    after = (target_id, target.version)
    if command.dry_run or (before == after and migration.is_empty() and not migration.key_dates_added):
        return Moved(deal, before, after, migration)
    moved = dataclasses.replace(
        deal,
        template_id=target_id,
        template_version=target.version,
        key_dates={**deal.key_dates, **migration.key_dates_added},
        version=deal.version + 1,
    )
    uow = UnitOfWork()
    deal_store.change_deal(uow, deal, moved)
    for task in migration.added_tasks:
        uow.create(TaskItem.from_entity(task), follow_up=True)
    for request in migration.added_requests:
        uow.create(DocumentRequestItem.from_entity(request), follow_up=True)
    plan_store.apply(
        uow,
        [*migration.redated_tasks, *migration.cancelled_tasks],
        [*migration.redated_requests, *migration.cancelled_requests],
        follow_up=True,
    )
    deal_store.touch(uow, moved, ws.parties, now)
    uow.record(
        deal_event(
            moved,
            caller.actor,
            EventType.DEAL_TEMPLATE_MIGRATED,
            f"{caller.label} moved the deal to {target.title} version {target.version}",
            visibility=Visibility.INTERNAL,
            data={
                "from": {"template_id": before[0], "version": before[1]},
                "to": {"template_id": after[0], "version": after[1]},
                **_lists(migration),
            },
            at=now,
        )
    )
    uow.commit()
    return Moved(moved, before, after, migration)


def _lists(m: Migration) -> dict[str, object]:
    added = [("task", t.template_key, t.task_id) for t in m.added_tasks] + [
        ("document", r.template_key, r.request_id) for r in m.added_requests
    ]
    redated = [("task", b.template_key, b.task_id) for b, _ in m.redated_tasks] + [
        ("document", b.template_key, b.request_id) for b, _ in m.redated_requests
    ]
    cancelled = [("task", b.template_key, b.task_id) for b, _ in m.cancelled_tasks] + [
        ("document", b.template_key, b.request_id) for b, _ in m.cancelled_requests
    ]

    def named(rows: list[tuple[str, str | None, str]]) -> list[dict[str, str | None]]:
        return [{"kind": kind, "key": key, "id": id_} for kind, key, id_ in rows[:MAX_LISTED]]

    return {
        "added": named(added),
        "redated": named(redated),
        "cancelled": named(cancelled),
        "counts": {"added": len(added), "redated": len(redated), "cancelled": len(cancelled)},
    }
