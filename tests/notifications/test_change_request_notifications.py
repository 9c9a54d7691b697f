"""Change requests notify the right people: approvers when it is their turn (reminded at the SLA, then the
coordinator), the submitter of the outcome, everyone on the deal once a change is in effect — and only
people who may see the request."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import clock
from chalicelib.services import reminders
from tests.support.demo import deal_id
from tests.support.notify import notifications_of

AGENT = "alex.agent@harbormain.example"
BUYER = "bianca.buyer@mail.example"
CO_BUYER = "ben.buyer@mail.example"
LENDER = "lena@firstharborbank.example"
COORDINATOR = "cora.coord@harbormain.example"
ADMIN = "ada.admin@harbormain.example"


def in_app(email: str) -> list[str]:
    return sorted(n.message["subject"] for n in notifications_of(email) if n.channel == "in_app")


def test_approvers_are_told_reminded_at_the_sla_and_the_coordinator_escalated(seeded, api, outbox, sent):
    deal = deal_id(seeded, "park_purchase")
    # Given the agent asks for a closing extension (the buyers and the coordinator approve)
    made = api.post(
        f"/v1/deals/{deal}/change-requests",
        {"type": "closing_extension", "fields": {"new_date": "2027-03-01", "reason": "Lender delay"}},
        as_user=AGENT,
    )
    assert made.status == 201, made.json
    cr = made.json
    outbox.run()

    # Then both buyers are asked for their decision by email and in the app; the lender is not
    assert any("approval needed: Closing extension" in s for s in in_app(BUYER))
    assert any("approval needed: Closing extension" in s for s in in_app(CO_BUYER))
    assert not any("Closing extension" in s for s in in_app(LENDER))
    # and the deal's coordinator, who approves as coordinator, is told too
    assert any("approval needed: Closing extension" in s for s in in_app(COORDINATOR))
    [mail] = [
        m for m in sent.emails_to(BUYER) if "Closing extension" in m["Content"]["Simple"]["Subject"]["Data"]
    ]
    assert "needs your decision" in mail["Content"]["Simple"]["Body"]["Text"]["Data"]

    # When nobody decides by the SLA, the sweep reminds the approvers, once
    due = clock.parse_iso(cr["due_at"])
    reminders.sweep(due + timedelta(minutes=1))
    reminders.sweep(due + timedelta(minutes=16))
    outbox.run()
    assert in_app(BUYER).count("14 Elm St: due now: Decision on the closing extension") == 1
    # and past the escalation delay the coordinator is told
    reminders.sweep(due + timedelta(hours=49))
    outbox.run()
    assert any("overdue: Decision on the closing extension" in s for s in in_app(COORDINATOR))


def test_the_outcome_reaches_the_submitter_and_the_applied_change_everyone(seeded, api, outbox, sent):
    deal = deal_id(seeded, "park_purchase")
    cr = api.post(
        f"/v1/deals/{deal}/change-requests",
        {"type": "closing_extension", "fields": {"new_date": "2027-03-01", "reason": "Lender delay"}},
        as_user=AGENT,
    ).json
    assert (
        api.post(
            f"/v1/deals/{deal}/change-requests/{cr['id']}/decisions", {"decision": "approve"}, as_user=BUYER
        ).status
        == 200
    )
    done = api.post(
        f"/v1/deals/{deal}/change-requests/{cr['id']}/decisions", {"decision": "approve"}, as_user=COORDINATOR
    )
    assert done.json["status"] == "applied"
    outbox.run()
    assert any("approved and done: Closing extension" in s for s in in_app(AGENT))
    assert any("approved and done: Closing extension" in s for s in in_app(LENDER))  # a change in effect
    # the request no longer waits on anyone: no reminder later
    reminders.sweep(clock.parse_iso(cr["due_at"]) + timedelta(hours=49))
    outbox.run()
    assert not any("Decision on the closing extension" in s for s in in_app(CO_BUYER))
