"""The approval chain and the template checks, without the emulator."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain import change_requests as rules
from chalicelib.domain import workflows
from chalicelib.domain.access import Caller, DealAccess
from chalicelib.domain.change_request_types import Approvals, ChangeRequestType, Effect, EffectKind, Mode
from chalicelib.domain.entities import Party, User
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.roles import Capacity, PartyRole, PartyStatus, UserStatus
from chalicelib.domain.templates.change_requests import PURCHASE

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def person(user_id: str, role: PartyRole, capacity: Capacity) -> tuple[Party, DealAccess]:
    party = Party("dl_1", "o_1", user_id, f"{user_id}@x.example", role, PartyStatus.ACTIVE, NOW, "u_0")
    caller = Caller(User(user_id, party.email, UserStatus.ACTIVE, NOW, name=user_id))
    return party, DealAccess(caller, capacity, party)


BUYER, BUYER_ACCESS = person("buyer", PartyRole.CLIENT, Capacity.CLIENT)
CO_BUYER, CO_BUYER_ACCESS = person("cobuyer", PartyRole.CO_CLIENT, Capacity.CLIENT)
AGENT, AGENT_ACCESS = person("agent", PartyRole.AGENT, Capacity.AGENT)
COORD, COORD_ACCESS = person("coord", PartyRole.COORDINATOR, Capacity.COORDINATOR)
PARTIES = [BUYER, CO_BUYER, AGENT, COORD]


def request(kind: ChangeRequestType, by: DealAccess, fields: dict | None = None) -> rules.ChangeRequest:
    from chalicelib.domain.entities import Address, Deal

    deal = Deal(
        "dl_1",
        "o_1",
        "purchase",
        1,
        "T",
        "due_diligence",
        NOW,
        "p",
        Address("1", "c", "MA", "0"),
        NOW,
        "u",
        NOW,
    )
    return rules.new_request(
        kind, deal, PARTIES, by, request_id="cr_1", fields=fields or {}, baseline={}, comment=None, now=NOW
    )


def kind(mode: Mode, *roles: str, above: tuple[str, int, str] | None = None) -> ChangeRequestType:
    return ChangeRequestType(
        "k", "Thing", (), ("agent", "client", "coordinator"), Approvals(mode, roles, above), 24
    )


def test_in_order_waits_on_one_role_at_a_time():
    cr = request(kind(Mode.IN_ORDER, "client", "coordinator"), AGENT_ACCESS)
    assert rules.pending_roles(cr) == ["client"]
    assert rules.waiting_on(cr, PARTIES) == [{"role": "client", "user_ids": ["buyer", "cobuyer"]}]
    with pytest.raises(Forbidden):
        rules.decide(cr, COORD_ACCESS, PARTIES, rules.Decision.APPROVE, None, NOW)  # not their turn
    cr = rules.decide(
        cr, CO_BUYER_ACCESS, PARTIES, rules.Decision.APPROVE, None, NOW
    )  # a co-buyer is a client
    assert rules.pending_roles(cr) == ["coordinator"]
    cr = rules.decide(cr, COORD_ACCESS, PARTIES, rules.Decision.APPROVE, None, NOW)
    assert (cr.status, cr.decided_at) == ("approved", NOW)


def test_any_of_completes_with_one_approval_and_all_of_needs_each_role():
    any_of = rules.decide(
        request(kind(Mode.ANY_OF, "client", "coordinator"), AGENT_ACCESS),
        BUYER_ACCESS,
        PARTIES,
        rules.Decision.APPROVE,
        None,
        NOW,
    )
    assert any_of.status == "approved"
    all_of = rules.decide(
        request(kind(Mode.ALL_OF, "client", "coordinator"), AGENT_ACCESS),
        BUYER_ACCESS,
        PARTIES,
        rules.Decision.APPROVE,
        None,
        NOW,
    )
    assert (all_of.status, rules.pending_roles(all_of)) == ("submitted", ["coordinator"])


def test_the_submitters_own_role_counts_as_approved_and_nobody_decides_their_own():
    cr = request(kind(Mode.IN_ORDER, "agent", "client"), AGENT_ACCESS)
    assert cr.required_roles == ["client"]
    with pytest.raises(Forbidden) as own:
        rules.decide(cr, AGENT_ACCESS, PARTIES, rules.Decision.APPROVE, None, NOW)
    assert own.value.code == "own_change_request"


def test_one_person_approves_once_per_round():
    cr = request(kind(Mode.ALL_OF, "client", "coordinator"), AGENT_ACCESS)
    cr = rules.decide(cr, BUYER_ACCESS, PARTIES, rules.Decision.APPROVE, None, NOW)
    with pytest.raises(Conflict):
        rules.decide(cr, BUYER_ACCESS, PARTIES, rules.Decision.APPROVE, None, NOW)


def test_a_quote_above_the_threshold_needs_the_owner_too():
    approvals = Approvals(Mode.ALL_OF, ("coordinator",), above=("amount", 500, "admin"))
    assert approvals.required_roles({"amount": 500}) == ("coordinator",)
    assert approvals.required_roles({"amount": 501}) == ("coordinator", "admin")


def test_request_changes_then_resubmit_starts_a_new_round_with_a_fresh_sla():
    extension = next(k for k in PURCHASE if k.key == "closing_extension")
    cr = request(extension, AGENT_ACCESS, {"new_date": "2027-01-08"})
    cr = rules.decide(cr, BUYER_ACCESS, PARTIES, rules.Decision.REQUEST_CHANGES, "shorter", NOW)
    assert rules.waiting_on(cr, PARTIES) == [{"role": "submitter", "user_ids": ["agent"]}]
    later = NOW.replace(day=2)
    again = rules.resubmit(
        cr, extension, AGENT_ACCESS, PARTIES, fields={}, baseline={}, comment=None, now=later
    )
    assert (again.status, again.round, again.due_at) == ("submitted", 2, later.replace(day=3))
    assert rules.approvals(again) == []


def test_withdrawn_and_decided_requests_are_closed():
    cr = request(kind(Mode.ANY_OF, "client"), AGENT_ACCESS)
    gone = rules.withdraw(cr, AGENT_ACCESS, NOW)
    with pytest.raises(Conflict):
        rules.decide(gone, BUYER_ACCESS, PARTIES, rules.Decision.APPROVE, None, NOW)
    with pytest.raises(Forbidden):
        rules.withdraw(cr, BUYER_ACCESS, NOW)


def test_a_template_with_a_broken_change_request_type_is_refused():
    template = workflows.latest("purchase")
    broken = ChangeRequestType(
        "bad",
        "Bad",
        (),
        ("landlord",),
        Approvals(Mode.ALL_OF, ()),
        0,
        Effect(EffectKind.MOVE_KEY_DATE, key_date="moon_landing"),
        blocks_leaving=("nowhere",),
    )
    with pytest.raises(workflows.TemplateError) as refused:
        workflows.validate(replace(template, change_requests=(*template.change_requests, broken)))
    text = " ".join(refused.value.problems)
    for problem in (
        "unknown role 'landlord'",
        "names no approver",
        "positive SLA",
        "unknown stage 'nowhere'",
        "needs field 'new_date'",
        "undefined key date 'moon_landing'",
    ):
        assert problem in text
