"""Templates are data a coordinator can trust: every built-in is complete and valid, and a malformed
template is refused with what is wrong."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.domain import workflows
from chalicelib.domain.templates import BUILTIN
from chalicelib.domain.workflows import DueRule, KeyDate, TemplateError, find_cycle, validate

PURCHASE = workflows.latest("purchase")


def broken(**changes: Any) -> workflows.WorkflowTemplate:
    return dataclasses.replace(PURCHASE, **changes)


def test_every_builtin_template_is_valid_and_walks_to_a_terminal_stage():
    assert {t.workflow for t in BUILTIN} == {"purchase", "listing", "lease", "maintenance"}
    for template in BUILTIN:
        assert validate(template) is template
        ladder = template.ladder()
        assert not ladder[0].terminal and ladder[-1].terminal
        assert any(s.exit for s in template.stages), (
            template.workflow
        )  # a way out: cancelled, withdrawn, denied
        for stage in ladder[:-1]:
            assert stage.next_step and stage.label


def test_purchase_carries_the_documents_a_us_closing_needs():
    types = {d.type for d in PURCHASE.documents}
    assert {
        "pre_approval_letter",
        "proof_of_funds",
        "photo_id",
        "purchase_agreement",
        "earnest_money_receipt",
        "signed_disclosures",
        "inspection_report",
        "appraisal",
        "closing_disclosure",
    } <= types
    assert [s.key for s in PURCHASE.stages] == [
        "intake",
        "pre_approval",
        "under_contract",
        "due_diligence",
        "financing",
        "clear_to_close",
        "closing",
        "closed",
        "cancelled",
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"tasks": (dataclasses.replace(PURCHASE.tasks[0], stage="escrow"),)}, "unknown stage 'escrow'"),
        (
            {"tasks": (dataclasses.replace(PURCHASE.tasks[0], depends_on=("nope",)),)},
            "depends on unknown task 'nope'",
        ),
        (
            {"tasks": (dataclasses.replace(PURCHASE.tasks[0], due=DueRule("moon_landing", 2)),)},
            "undefined key date 'moon_landing'",
        ),
        (
            {
                "stages": (
                    dataclasses.replace(PURCHASE.stages[0], done_documents=("deed",)),
                    *PURCHASE.stages[1:],
                )
            },
            "unknown document type 'deed'",
        ),
        ({"key_dates": (KeyDate("a", "A", "b", 1), KeyDate("b", "B", "a", 1))}, "cycle"),
        (
            {"stages": (*PURCHASE.stages[:-1], dataclasses.replace(PURCHASE.stages[-1], terminal=False))},
            "exit stage",
        ),
    ],
)
def test_a_malformed_template_is_refused_with_the_reason(changes, problem):
    with pytest.raises(TemplateError) as refused:
        validate(broken(**changes))
    assert any(problem in p for p in refused.value.problems), refused.value.problems


def test_a_dependency_cycle_between_tasks_is_refused():
    first, second = PURCHASE.tasks[0], PURCHASE.tasks[1]
    looped = (
        dataclasses.replace(first, depends_on=(second.key,)),
        dataclasses.replace(second, depends_on=(first.key,)),
    )
    with pytest.raises(TemplateError, match="cycle"):
        validate(broken(tasks=(*looped, *PURCHASE.tasks[2:])))


def test_find_cycle_names_the_loop_and_accepts_a_dag():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) == []
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]


def test_derived_key_dates_fill_in_from_their_base():
    dates = PURCHASE.derive_key_dates({"offer_accepted": date(2026, 12, 1), "closing": date(2027, 1, 15)})
    assert dates["inspection_deadline"] == date(2026, 12, 11)  # offer accepted + 10 days
    assert dates["earnest_money_due"] == date(2026, 12, 4)
    assert dates["closing"] == date(2027, 1, 15)  # given, so not derived


def test_derived_dates_follow_their_base_unless_set_by_hand():
    before = {
        "offer_accepted": date(2026, 12, 1),
        "inspection_deadline": date(2026, 12, 11),
        "appraisal_deadline": date(2026, 12, 20),
    }  # appraisal set by hand (derivation says the 18th)
    after = PURCHASE.follow_key_dates(before, {"offer_accepted": date(2026, 12, 3)})
    assert after["inspection_deadline"] == date(2026, 12, 13)
    assert after["appraisal_deadline"] == date(2026, 12, 20)


def test_items_due_on_a_date_fall_due_at_5pm_in_the_deals_time_zone():
    due = DueRule("closing", -3).due_at({"closing": date(2026, 7, 10)}, None, "America/Los_Angeles")
    assert due is not None and due.astimezone(UTC) == datetime(2026, 7, 8, 0, 0, tzinfo=UTC)  # 17:00 PDT
    assert DueRule("closing").due_at({}, None, "America/New_York") is None
