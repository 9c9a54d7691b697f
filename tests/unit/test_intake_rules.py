"""Intake rules without the emulator (domain/intake.py, domain/matching.py)."""

from __future__ import annotations

import pytest

from chalicelib.domain import intake, matching
from chalicelib.domain.entities import Address
from chalicelib.domain.errors import Conflict, Invalid

BUY = intake.settings_for(None).scenario("buy")


def test_answers_report_every_problem_without_the_values():
    assert BUY is not None
    problems = intake.check_answers(BUY, {"timeline": "never", "budget": "a lot", "extra": 1})

    assert {p["field"]: p["type"] for p in problems} == {
        "answers.extra": "unknown_question",
        "answers.timeline": "wrong_answer",
        "answers.budget": "wrong_answer",
        "answers.pre_approved": "missing",
    }
    assert not any("never" in p["problem"] for p in problems)


def test_good_answers_pass():
    assert BUY is not None
    assert intake.check_answers(BUY, {"timeline": "asap", "pre_approved": False, "budget": 400000}) == []


@pytest.mark.parametrize(
    ("current", "to", "reason", "code"),
    [
        ("new", "disqualified", None, "reason_required"),
        ("new", "converted", None, "use_convert"),
        ("contacted", "contacted", None, "invalid_lead_move"),
        ("qualified", "contacted", None, "invalid_lead_move"),
        ("converted", "disqualified", "x", "lead_closed"),
        ("disqualified", "qualified", None, "lead_closed"),
    ],
)
def test_lead_moves_that_are_refused(current, to, reason, code):
    with pytest.raises((Invalid, Conflict)) as refused:
        intake.check_move(intake.LeadStatus(current), intake.LeadStatus(to), reason)
    assert refused.value.code == code


def test_lead_moves_that_are_allowed():
    for current, to in [
        ("new", "contacted"),
        ("new", "qualified"),
        ("contacted", "qualified"),
        ("qualified", "disqualified"),
    ]:
        intake.check_move(intake.LeadStatus(current), intake.LeadStatus(to), "reason")


def test_routing_takes_the_first_matching_rule_then_the_fallback():
    routing = intake.routing_from(
        {
            "rules": [
                {"name": "downtown", "scenarios": ["sell"], "postal_codes": ["02108"], "team": ["u_a"]},
                {"name": "cambridge", "cities": ["Cambridge"], "team": ["u_b", "u_c"]},
            ],
            "fallback": "u_z",
        }
    )

    assert routing.pick("sell", "02108-1111", "Boston").name == "downtown"  # type: ignore[union-attr]
    assert routing.pick("buy", None, "cambridge ").name == "cambridge"  # type: ignore[union-attr]
    assert routing.pick("buy", "02108", "Boston").team == ("u_z",)  # type: ignore[union-attr]
    assert intake.Routing().pick("buy", None, None) is None
    assert [intake.round_robin(("u_b", "u_c"), n) for n in range(4)] == ["u_b", "u_c", "u_b", "u_c"]


def test_the_address_key_ignores_how_it_was_typed():
    a = matching.address_key(Address("12 Harbor Street Apt 4B", "Boston", "MA", "02110"), None)
    b = matching.address_key(Address("12 harbor st.", "boston", "MA", "02110-1234"), "#4b")
    c = matching.address_key(Address("12 Harbor St", "Boston", "MA", "02110"), "5")

    assert a == b == "12 HARBOR ST|BOSTON|MA|02110|4B"
    assert c != a


def test_near_duplicates_are_scored_with_rapidfuzz():
    emails = matching.similar_emails(
        "jane.doe@gmial.com", [("c1", "jane.doe@gmail.com"), ("c2", "jim@x.com")]
    )
    names = matching.similar_names("Jon Smith", [("c1", "Smith, John"), ("c2", "Mary Jones")])

    assert [c.id for c in emails] == ["c1"]
    assert [c.id for c in names] == ["c1"]


def test_a_slug_is_url_safe():
    assert intake.SLUG.fullmatch("harbor-main")
    assert (
        not intake.SLUG.fullmatch("Harbor Main")
        and not intake.SLUG.fullmatch("-x")
        and not intake.SLUG.fullmatch("a/b")
    )
