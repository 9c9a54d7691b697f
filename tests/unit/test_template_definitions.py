"""Org template definitions without the emulator: every built-in survives the round trip and passes the
validator as data, problems carry paths, locked items hold, diffs are bounded, a migration is planned."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain import template_definitions as defs
from chalicelib.domain import workflows
from chalicelib.domain.entities import Address, Deal, Party
from chalicelib.domain.org_templates import plan_migration
from chalicelib.domain.plan import instantiate
from chalicelib.domain.roles import PartyRole, PartyStatus

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("workflow", ["purchase", "listing", "lease", "maintenance"])
def test_every_builtin_round_trips_as_data_and_passes_the_same_validator(workflow):
    template = defs.with_builtin_locks(workflows.latest(workflow))
    document = defs.document_of(defs.Definition(template, template.title, ("NY",)))
    parsed = defs.parse(document, workflow=workflow, version=template.version)
    assert parsed.template == template
    assert parsed.states == ("NY",) and parsed.intake is None


def test_intake_questions_are_an_optional_free_form_object():
    template = workflows.latest("lease")
    document = defs.document_of(defs.Definition(template, "Lease", (), {"questions": [{"key": "pets"}]}))
    assert defs.parse(document, workflow="lease").intake == {"questions": [{"key": "pets"}]}
    with pytest.raises(defs.DefinitionInvalid) as refused:
        defs.parse({**document, "intake": ["not", "an", "object"]}, workflow="lease")
    assert refused.value.problems == [
        {"path": "intake", "message": "intake questions are a JSON object (or absent)"}
    ]


def test_a_definition_keeps_its_workflow_and_reports_every_problem_with_a_path():
    document = defs.document_of(defs.Definition(workflows.latest("purchase"), "P"))
    document["workflow"] = "lease"
    document["name"] = ""
    document["tasks"][3]["stage"] = "nowhere"
    document["documents"][0]["max_bytes"] = 0
    with pytest.raises(defs.DefinitionInvalid) as refused:
        defs.parse(document, workflow="purchase")
    assert [p["path"] for p in refused.value.problems] == ["workflow", "name", "tasks[3]", "documents[0]"]


def test_locked_items_must_be_kept_locked_and_required():
    parent = defs.with_builtin_locks(workflows.latest("purchase"))
    child = dataclasses.replace(
        parent,
        documents=tuple(
            dataclasses.replace(d, required=False) if d.key == "closing_disclosure" else d
            for d in parent.documents
        ),
        tasks=tuple(t for t in parent.tasks if t.key != "compliance_review"),
    )
    assert defs.locked_problems(parent, child) == [
        {"path": "tasks", "message": "locked task 'compliance_review' cannot be removed"},
        {
            "path": "documents[12].required",
            "message": "locked document 'closing_disclosure' cannot be optional",
        },
    ]
    assert defs.locked_problems(parent, parent) == []


def test_an_audit_diff_is_bounded_and_the_count_is_whole():
    before = {"tasks": [{"title": str(n)} for n in range(200)]}
    after = {"tasks": [{"title": f"{n} changed " + "x" * 100} for n in range(200)]}
    operations = defs.diff(before, after)
    assert len(operations) == 200
    kept = defs.bounded(operations)
    assert (
        0 < len(kept) <= defs.MAX_DIFF_OPERATIONS
        and sum(len(str(op)) for op in kept) <= defs.MAX_DIFF_BYTES * 2
    )
    assert kept == operations[: len(kept)]


def _deal(stage: str = "intake") -> Deal:
    address = Address("1 Main St", "Brooklyn", "NY", "11217")
    return Deal(
        "dl_x",
        "o_x",
        "purchase",
        1,
        "Test",
        stage,
        NOW,
        "p_x",
        address,
        NOW,
        "u_x",
        NOW,
        key_dates={"offer_accepted": date(2026, 12, 1)},
    )


def test_a_migration_adds_redates_and_cancels_but_never_touches_done_items():
    current = workflows.latest("purchase")
    deal = _deal()
    deal.key_dates = current.derive_key_dates(deal.key_dates)
    client = Party("dl_x", "o_x", "u_c", "c@x.example", PartyRole.CLIENT, PartyStatus.ACTIVE, NOW, "u_x")
    tasks, requests = instantiate(current, deal, [client], NOW)
    done = next(t for t in tasks if t.template_key == "tour_homes")
    tasks[tasks.index(done)] = dataclasses.replace(done, status="done")
    kept = [t for t in current.tasks if t.key not in ("connect_lender", "tour_homes")]
    redated = workflows.DueRule("offer_accepted", 9)
    target = dataclasses.replace(
        current,
        version=2,
        tasks=(
            *(
                dataclasses.replace(t, due=redated)
                if t.key == "wire_earnest_money"
                else dataclasses.replace(t, depends_on=())
                if t.key == "submit_offer"
                else t
                for t in kept
            ),
            workflows.TaskTemplate("meet_attorney", "Meet the attorney", "intake", "client"),
        ),
    )
    migration = plan_migration(deal, current, target, "tp_x", tasks, requests, [client], NOW)
    assert [t.template_key for t in migration.added_tasks] == ["meet_attorney"]
    assert migration.added_tasks[0].owner_user_id == "u_c"
    assert [b.template_key for b, _ in migration.cancelled_tasks] == [
        "connect_lender"
    ]  # done tour_homes stays
    assert [(b.template_key, a.due_at and a.due_at.date()) for b, a in migration.redated_tasks] == [
        ("wire_earnest_money", date(2026, 12, 10))
    ]
    again = plan_migration(deal, current, target, "tp_x", tasks, requests, [client], NOW)
    assert again.added_tasks[0].task_id == migration.added_tasks[0].task_id  # a retry derives the same id
