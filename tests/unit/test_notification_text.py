"""What a client reads: the email (text and HTML) and the SMS for every event that notifies anyone,
snapshot-tested. Regenerate after a deliberate wording change with UPDATE_SNAPSHOTS=1."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain import notification_templates as templates
from chalicelib.domain.entities import ActivityEvent, Address, Deal
from chalicelib.domain.events import CATALOG, EventType
from chalicelib.domain.notification_rules import DEFAULT_RULES
from chalicelib.domain.roles import Visibility

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "notifications"
PORTAL = "https://portal.harbormain.example"
UNSUBSCRIBE = f"{PORTAL}/unsubscribe/<token>"
DEAL = Deal(
    deal_id="dl_aaaaaaaaaaaaaaaaaaaaaaaaaa",
    org_id="o_bbbbbbbbbbbbbbbbbbbbbbbbbb",
    workflow="purchase",
    template_version=1,
    title="Reyes purchase — 14 Elm St",
    stage="due_diligence",
    stage_entered_at=datetime(2026, 12, 1, tzinfo=UTC),
    property_id="p_cccccccccccccccccccccccccc",
    address=Address("14 Elm St", "Boston", "MA", "02118"),
    created_at=datetime(2026, 11, 1, tzinfo=UTC),
    created_by="u_agent",
    last_activity_at=datetime(2026, 12, 1, tzinfo=UTC),
    key_dates={"closing": date(2026, 12, 19)},
)
DUE = "2026-12-04T22:00:00.000Z"
SAMPLE_DATA: dict[str, dict[str, Any]] = {
    "deal.created": {"workflow": "purchase", "stage": "intake", "parties": []},
    "deal.stage_changed": {
        "from": "under_contract",
        "to": "due_diligence",
        "from_label": "Under contract",
        "to_label": "Inspections",
        "override": False,
    },
    "deal.key_date_changed": {"key_date": "closing", "from": "2026-12-19", "to": "2026-12-23", "moved": []},
    "party.invited": {"user_id": "u_x", "role": "lender"},
    "party.accepted": {"user_id": "u_x", "role": "lender"},
    "task.created": {
        "task_id": "tk_1",
        "title": "Schedule the inspection",
        "owner_role": "client",
        "due_at": DUE,
    },
    "task.assigned": {
        "task_id": "tk_1",
        "title": "Schedule the inspection",
        "owner_user_id": "u_client",
        "owner_role": "client",
        "due_at": DUE,
    },
    "task.redated": {
        "task_id": "tk_1",
        "title": "Schedule the inspection",
        "from": DUE,
        "to": "2026-12-07T22:00:00.000Z",
    },
    "task.completed": {"task_id": "tk_1", "title": "Schedule the inspection"},
    "task.accepted": {"task_id": "tk_1", "title": "Fix the kitchen sink"},
    "task.declined": {"task_id": "tk_1", "title": "Fix the kitchen sink", "reason": "fully booked this week"},
    "document.requested": {
        "request_id": "dr_1",
        "type": "proof_of_funds",
        "label": "Proof of funds",
        "target_user_ids": ["u_client"],
        "due_at": DUE,
    },
    "document.submitted": {
        "request_id": "dr_1",
        "document_id": "d_1",
        "version": 2,
        "label": "Proof of funds",
    },
    "document.upload_refused": {"request_id": "dr_1", "reason": "the file is not a PDF, JPEG or PNG"},
    "document.approved": {
        "request_id": "dr_1",
        "document_id": "d_1",
        "version": 2,
        "label": "Proof of funds",
    },
    "document.rejected": {
        "request_id": "dr_1",
        "document_id": "d_1",
        "version": 2,
        "label": "Proof of funds",
        "reason_code": "illegible",
        "reason": "the statement is cut off at the bottom",
    },
    "message.posted": {"message_id": "m_1", "excerpt": "The inspector can come Thursday at 10."},
    "reminder.sent": {
        "item_kind": "task",
        "item_id": "tk_1",
        "title": "Wire the earnest money",
        "due_at": DUE,
        "threshold": "upcoming",
    },
    "reminder.escalated": {
        "item_kind": "task",
        "item_id": "tk_1",
        "title": "Wire the earnest money",
        "due_at": DUE,
    },
}
_CR = {"change_request_id": "cr_1", "type": "closing_extension", "label": "Closing extension"}
SAMPLE_DATA.update(
    {
        "change_request.submitted": {**_CR, "waiting_on": ["client", "coordinator"], "due_at": DUE},
        "change_request.resubmitted": {**_CR, "waiting_on": ["client"], "due_at": DUE, "round": 2},
        "change_request.approval_recorded": {**_CR, "role": "agent", "waiting_on": ["client"]},
        "change_request.changes_requested": {**_CR, "comment": "A week is too long; ask for four days"},
        "change_request.rejected": {**_CR, "comment": "We must close on time"},
        "change_request.withdrawn": _CR,
        "change_request.approved": {**_CR, "effects": []},
        "change_request.applied": {
            **_CR,
            "effects": [
                {"effect": "key_date_moved", "key_date": "closing", "from": "2026-12-31", "to": "2027-01-08"},
                {"effect": "redated", "kind": "task", "id": "tk_1", "title": "Final walkthrough"},
            ],
        },
    }
)
# accounts and invitee follow-up (issue 13)
_INVITEE = {
    "invitation_id": "inv_1",
    "user_id": "u_x",
    "role": "client",
    "valid_until": "2026-12-08T15:00:00.000Z",
}
SAMPLE_DATA.update(
    {
        "invitation.reminded": {**_INVITEE, "threshold": "day_2"},
        "invitation.not_accepted": _INVITEE,
        "deal.account_access_granted": {
            "account_id": "ac_1",
            "role": "client",
            "invited": [{"member_id": "mb_1", "user_id": "u_x", "status": "invited"}],
            "already_parties": [],
        },
    }
)
# e-signature (docs/ESIGN.md)
_SIG = {"request_id": "dr_1", "label": "Purchase agreement", "provider": "docusign", "envelope_id": "env-1"}
SAMPLE_DATA.update(
    {
        "document.sent_for_signature": {**_SIG, "document_id": "d_1", "target_user_ids": ["u_client"]},
        "document.signed": {**_SIG, "upload_id": "4f1c2b9e-0000-4000-8000-000000000001"},
        "document.signature_declined": {**_SIG, "reason": "The price on page 2 is wrong"},
        "document.signature_voided": {**_SIG, "reason": "The offer was withdrawn"},
    }
)
NOTIFYING = sorted(t.value for t in DEFAULT_RULES)


def event(kind: str) -> ActivityEvent:
    return ActivityEvent(
        event_id="ev_dddddddddddddddddddddddddd",
        type=kind,
        at=datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
        actor_user_id="u_agent",
        actor_label="Alex Kim",
        visibility=Visibility.PARTIES,
        summary="Alex Kim added Lena Brooks as lender",
        org_id=DEAL.org_id,
        deal_id=DEAL.deal_id,
        data=SAMPLE_DATA[kind],
    )


def rendered(kind: str) -> str:
    message = templates.render(event(kind), DEAL, time_zone="America/New_York", portal_url=PORTAL)
    assert message is not None
    mail = templates.email([message], unsubscribe_url=UNSUBSCRIBE)
    return (
        f"SUBJECT: {mail.subject}\n\n--- email (text) ---\n{mail.text}\n--- email (html) ---\n{mail.html}\n\n"
        f"--- sms ---\n{templates.sms(message)}\n"
    )


def test_every_notifying_event_has_sample_data_matching_the_catalog():
    assert sorted(SAMPLE_DATA) == NOTIFYING
    for kind, data in SAMPLE_DATA.items():
        assert set(CATALOG[EventType(kind)].data) <= set(data), kind


@pytest.mark.parametrize("kind", NOTIFYING)
def test_what_a_client_reads_for_each_event(kind):
    text = rendered(kind)
    snapshot = SNAPSHOTS / f"{kind}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text)
    assert text == snapshot.read_text(), f"{kind}: run with UPDATE_SNAPSHOTS=1 after a deliberate change"
    # and whatever the wording: the deal, what happened, what to do next, the link, the way out
    link = f"{PORTAL}/deals/{DEAL.deal_id}"
    assert "14 Elm St" in text and link in text
    assert "What to do next:" in text and UNSUBSCRIBE in text
    sms = templates.sms(templates.render(event(kind), DEAL, time_zone="America/New_York", portal_url=PORTAL))  # type: ignore[arg-type]
    assert len(sms) <= templates.SMS_LIMIT and link in sms and "STOP" in sms


def test_dates_are_shown_in_the_recipients_time_zone():
    message = templates.render(
        event("task.assigned"), DEAL, time_zone="America/Los_Angeles", portal_url=PORTAL
    )
    assert message is not None and "Fri, Dec 4, 2:00 PM PST" in message.happened


def test_a_digest_lists_every_update_with_its_link():
    messages = [
        templates.render(event(kind), DEAL, time_zone="America/New_York", portal_url=PORTAL)
        for kind in ("deal.stage_changed", "document.requested")
    ]
    mail = templates.email([m for m in messages if m], unsubscribe_url=UNSUBSCRIBE)
    assert mail.subject == "2 updates on your deals"
    assert mail.text.count("Open the deal:") == 2 and mail.html.count("<h2>") == 2
