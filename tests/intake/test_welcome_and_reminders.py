"""After intake (docs/INTAKE.md): the welcome email with the checklist, the routed agent told, preferences
honoured; an uncontacted lead reminds its owner, then escalates to the coordinators — once each."""

from __future__ import annotations

import json
from datetime import timedelta

from chalicelib import clock
from chalicelib.services import reminders
from chalicelib.store.intake_models import LeadItem
from tests.intake.conftest import ALEX, AVERY, COORD, form, leads, send
from tests.support.notify import notifications_of


def _email_text(message: dict) -> str:
    return json.dumps(message)


def subjects(email: str) -> list[str]:
    return [n.message["subject"] for n in notifications_of(email) if n.channel == "in_app"]


def test_the_person_gets_the_welcome_email_with_the_checklist_and_the_agent_is_told(api, outbox, sent):
    send(api, form("wanda.welcome@mail.example", name="Wanda Welcome"))

    outbox.run()

    welcome = sent.emails_to("wanda.welcome@mail.example")
    assert len(welcome) == 1
    text = _email_text(welcome[0])
    assert "Welcome to Harbor & Main Realty" in text and "mortgage pre-approval letter" in text
    owner = next(x for x in leads(api) if x["contact_name"] == "Wanda Welcome")["owner_user_id"]
    agent = ALEX if owner == _uid(ALEX) else AVERY
    assert "New lead: Wanda Welcome" in subjects(agent)
    assert len(sent.emails_to(agent)) == 1


def test_an_agent_who_switched_off_email_for_deal_updates_is_told_in_the_app_only(api, outbox, sent):
    for agent in (ALEX, AVERY):
        prefs = api.request("GET", "/v1/me/preferences", as_user=agent).json
        reply = api.request(
            "PUT",
            "/v1/me/preferences",
            as_user=agent,
            json_body={"categories": {"deal_updates": {"email": False}}},
            headers={"If-Match": f'"{prefs["version"]}"'},
        )
        assert reply.status == 200, reply.json
    outbox.run()

    send(api, form("quiet.please@mail.example", name="Quinn Quiet"))
    outbox.run()

    assert sent.emails_to(ALEX) == sent.emails_to(AVERY) == []
    assert "New lead: Quinn Quiet" in subjects(ALEX) + subjects(AVERY)


def test_an_uncontacted_lead_reminds_its_owner_then_escalates_once_each(api, outbox, sent):
    send(api, form("slow.reply@mail.example", name="Sid Slow"))
    lead = next(x for x in leads(api) if x["contact_name"] == "Sid Slow")
    owner = ALEX if lead["owner_user_id"] == _uid(ALEX) else AVERY
    now = clock.now()

    reminders.sweep(now + timedelta(hours=23))  # within the window: nothing
    reminders.sweep(now + timedelta(hours=25))
    reminders.sweep(now + timedelta(hours=25, minutes=15))  # the next round: not again
    outbox.run()

    assert subjects(owner).count("Reminder: Sid Slow is waiting") == 1
    assert "Escalated: Sid Slow not contacted" not in subjects(COORD)

    reminders.sweep(now + timedelta(hours=50))
    reminders.sweep(now + timedelta(hours=51))
    outbox.run()

    assert subjects(COORD).count("Escalated: Sid Slow not contacted") == 1
    item = next(i for i in LeadItem.scan() if isinstance(i, LeadItem) and i.lead_id == lead["id"])
    assert item.reminded == "escalated" and item.gsi3pk is None  # out of the due index


def test_a_contacted_lead_is_not_reminded(api, outbox):
    send(api, form("quick.reply@mail.example", name="Quick Reply"))
    lead = next(x for x in leads(api) if x["contact_name"] == "Quick Reply")
    api.post(f"/v1/admin/leads/{lead['id']}/status", {"status": "contacted"}, as_user=COORD)

    reminders.sweep(clock.now() + timedelta(hours=60))
    outbox.run()

    told = subjects(ALEX) + subjects(AVERY) + subjects(COORD)
    assert "New lead: Quick Reply" in told
    assert not any("Quick Reply" in s for s in told if s.startswith(("Reminder", "Escalated")))


def _uid(email: str) -> str:
    from tests.support.notify import user_id

    return user_id(email)
