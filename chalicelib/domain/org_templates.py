"""Org-owned templates (docs/TEMPLATES.md): the draft an org edits, the immutable versions it publishes,
and the pure plan of moving an open deal to a newer version (what is added, re-dated and cancelled)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib.domain import plan
from chalicelib.domain.entities import Deal, DocumentRequest, Party, Task
from chalicelib.domain.workflows import DocumentTemplate, TaskTemplate, WorkflowTemplate


@dataclass
class OrgTemplate:
    """An org template's header and its one draft. `version` is the draft's (If-Match); the definition is
    stored inline as JSON text, or in S3 (`definition_key`) when it would not fit an item, with its
    SHA-256 checked on every read."""

    org_id: str
    template_id: str
    workflow: str
    name: str
    derived_from: str  # the template it was cloned from: a workflow name or an org template id
    derived_from_version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    definition_sha256: str
    states: list[str] = field(default_factory=list)
    version: int = 1
    published_version: int = 0  # 0: never published
    definition: str | None = None
    definition_key: str | None = None


@dataclass
class TemplateVersion:
    """A published version: written once, never changed."""

    org_id: str
    template_id: str
    version: int
    workflow: str
    name: str
    published_at: datetime
    published_by: str
    definition_sha256: str
    states: list[str] = field(default_factory=list)
    definition: str | None = None
    definition_key: str | None = None

    @property
    def version_key(self) -> str:
        return f"{self.version:06d}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- moving a deal to another version -------------------------------------------------------------------


@dataclass
class Migration:
    """What moving a deal to `target` does. Done, approved and cancelled items never change."""

    target: WorkflowTemplate
    key_dates_added: dict[str, date]
    added_tasks: list[Task]
    added_requests: list[DocumentRequest]
    redated_tasks: list[tuple[Task, Task]]
    redated_requests: list[tuple[DocumentRequest, DocumentRequest]]
    cancelled_tasks: list[tuple[Task, Task]]
    cancelled_requests: list[tuple[DocumentRequest, DocumentRequest]]

    def is_empty(self) -> bool:
        return not any(
            (
                self.added_tasks,
                self.added_requests,
                self.redated_tasks,
                self.redated_requests,
                self.cancelled_tasks,
                self.cancelled_requests,
            )
        )


def stable_id(prefix: str, *parts: str) -> str:
    """An id a retry of the same migration derives again (its create then finds the item and is dropped)."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return f"{prefix}_" + base64.b32encode(digest).decode().lower()[:26]


def plan_migration(
    deal: Deal,
    current: WorkflowTemplate,
    target: WorkflowTemplate,
    target_id: str,
    tasks: list[Task],
    requests: list[DocumentRequest],
    parties: list[Party],
    now: datetime,
) -> Migration:
    """Items of `target` the deal lacks are added (in the current stage or later), open items whose due
    rule changed are re-dated, open items `target` no longer has are cancelled. Applying the same plan
    twice adds nothing twice: added items have ids derived from the deal, target and item key."""
    ladder = [s.key for s in target.ladder()]
    here = ladder.index(deal.stage) if deal.stage in ladder else len(ladder)
    ahead = set(ladder[here:])
    dated = dataclasses.replace(deal, key_dates=target.derive_key_dates(deal.key_dates))
    entered = {deal.stage: deal.stage_entered_at}
    seed = (deal.deal_id, target_id, str(target.version))

    have_tasks = {t.template_key for t in tasks if t.template_key}
    new_task_templates = [t for t in target.tasks if t.key not in have_tasks and t.stage in ahead]
    task_ids = {t.template_key: t.task_id for t in tasks if t.template_key}
    task_ids.update({t.key: stable_id("tk", *seed, t.key) for t in new_task_templates})
    added_tasks = [
        plan._task_from(t, task_ids, dated, parties, entered, now)
        for t in new_task_templates
        if all(d in task_ids for d in t.depends_on)
    ]
    have_docs = {r.template_key for r in requests if r.template_key}
    added_requests = [
        dataclasses.replace(
            plan._request_from(d, dated, parties, entered, now),
            request_id=stable_id("rq", *seed, d.key),
        )
        for d in target.documents
        if d.key not in have_docs and d.stage in ahead
    ]
    task_rules = {t.key: t for t in target.tasks}
    doc_rules = {d.key: d for d in target.documents}
    redated_tasks, cancelled_tasks = _changes(tasks, task_rules, dated, entered)
    redated_requests, cancelled_requests = _changes(requests, doc_rules, dated, entered)
    return Migration(
        target,
        {k: v for k, v in dated.key_dates.items() if k not in deal.key_dates},
        added_tasks,
        added_requests,
        redated_tasks,
        redated_requests,
        cancelled_tasks,
        cancelled_requests,
    )


def _changes[R: (Task, DocumentRequest)](
    records: list[R],
    rules: Mapping[str, TaskTemplate] | Mapping[str, DocumentTemplate],
    deal: Deal,
    entered: Mapping[str, datetime],
) -> tuple[list[tuple[R, R]], list[tuple[R, R]]]:
    redated: list[tuple[R, R]] = []
    cancelled: list[tuple[R, R]] = []
    for record in records:
        key = record.template_key
        if not plan.is_open(record) or not key:
            continue
        rule = rules.get(key)
        if rule is None:
            cancelled.append((record, dataclasses.replace(record, status="cancelled")))
            continue
        new_rule = rule.due.as_dict() if rule.due else None
        if record.due_rule is None or new_rule == record.due_rule:
            continue  # a date set by hand stays; an unchanged rule moves nothing
        stage_entered = entered.get(record.stage or "")
        due_at = rule.due.due_at(deal.key_dates, stage_entered, deal.time_zone) if rule.due else None
        redated.append((record, dataclasses.replace(record, due_rule=new_rule, due_at=due_at)))
    return redated, cancelled
