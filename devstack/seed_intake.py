"""Demo intake data (docs/INTAKE.md): the Harbor & Main form's routing, leads in every status sent
through the public intake service, a converted lead with its deal, contacts and property records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.domain.intake_commands import (
    IntakeSubmission,
    LeadStatusChange,
    NewContact,
    NewPropertyRecord,
)
from chalicelib.services import contacts, intake, leads
from chalicelib.services.principals import caller_for
from chalicelib.store import intake as intake_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from devstack.seed import Demo

HARBOR_SLUG = "harbor-main"
COORD = "cora.coord@harbormain.example"

LEADS: list[tuple[str, str, str, str | None, dict[str, Any], dict[str, Any] | None, str | None]] = [
    # (name, email, scenario, phone, answers, property, where the demo takes it)
    ("Nora Lind", "nora.lind@mail.example", "buy", "+16175550111",
     {"timeline": "1-3 months", "pre_approved": True, "budget": 650000}, None, None),
    ("Omar Haddad", "omar.haddad@mail.example", "sell", None, {"timeline": "asap", "price_idea": 890000},
     {"address": {"line1": "48 Beacon Street", "city": "Boston", "state": "MA", "postal_code": "02108"}}, "contacted"),  # noqa: E501
    ("Priya Shah", "priya.shah@mail.example", "rent", "+16175550112",
     {"timeline": "asap", "monthly_budget": 3200, "bedrooms": "2"}, None, "qualified"),
    ("Quinn Baker", "quinn.baker@mail.example", "invest", None,
     {"strategy": "multifamily", "budget": 1200000, "entity": True},
     {"address": {"line1": "9 Tremont Street", "city": "Boston", "state": "MA", "postal_code": "02110"}, "unit": "3"}, "contacted"),  # noqa: E501
    ("Rosa Vidal", "rosa.vidal@mail.example", "buy", None, {"timeline": "later", "pre_approved": False}, None, "disqualified"),  # noqa: E501
    # came in through the form and became the demo's Park purchase (marked so, rather than converted anew: a
    # new deal and invitation would change every figure the demo's other deals are known by)
    ("Bianca Reyes", "bianca.buyer@mail.example", "buy", "+16175550101", {"timeline": "asap", "pre_approved": True}, None, "converted"),  # noqa: E501
]  # fmt: skip


def seed_intake(demo: Demo) -> None:
    org_id = demo.orgs["Harbor & Main Realty"]
    staff = {
        email: user_store.load_principal(email)[0]
        for email in demo.staff
        if demo.staff[email][0] == "Harbor & Main Realty"
    }
    ids = {email: user.user_id for email, user in staff.items() if user is not None}
    uow = UnitOfWork()
    intake_store.set_settings(
        uow,
        org_id,
        {
            "routing": {
                "rules": [
                    {"name": "sellers-downtown", "scenarios": ["sell"], "postal_codes": ["02108", "02110"],
                     "team": [ids["avery.agent@harbormain.example"]]},
                    {"name": "buyers", "scenarios": ["buy", "invest", "rent"],
                     "team": [ids["alex.agent@harbormain.example"], ids["avery.agent@harbormain.example"]]},
                ],
                "fallback": ids[COORD],
            },
            "contact_window_hours": 24,
            "escalate_after_hours": 24,
        },
    )  # fmt: skip
    from chalicelib.domain.entities import SYSTEM
    from chalicelib.domain.events import EventType
    from chalicelib.services.activity import org_event

    uow.record(
        org_event(
            org_id,
            SYSTEM,
            EventType.ORG_SETTINGS_CHANGED,
            "Intake routing set up",
            data={"changes": ["intake"]},
        )
    )
    uow.commit()
    coordinator = caller_for(COORD, "Cora Diaz")
    for name, email, scenario, phone, answers, place, goal in LEADS:
        body: dict[str, Any] = {
            "scenario": scenario,
            "contact": {"name": name, "email": email},
            "answers": answers,
        }
        if phone:
            body["contact"]["phone"] = phone
        if place:
            body["property"] = place
        intake.submit(HARBOR_SLUG, IntakeSubmission.model_validate(body), clock.now())
        if goal is None:
            continue
        contact = intake_store.contact_key_page(org_id, intake_store.EMAIL, email, limit=1, start=None)[0][0]
        lead_id = intake_store.get_contact(contact.contact_id).open_lead_id  # type: ignore[union-attr]
        assert lead_id
        if goal == "converted":
            _mark_converted(lead_id, demo.deals["park_purchase"].deal_id)
            continue
        reason = "Not in our area; referred to a partner brokerage" if goal == "disqualified" else None
        if goal == "qualified":
            leads.move(coordinator, lead_id, LeadStatusChange.model_validate({"status": "contacted"}), None)
        leads.move(
            coordinator, lead_id, LeadStatusChange.model_validate({"status": goal, "reason": reason}), None
        )
    contacts.create_contact(
        coordinator,
        NewContact.model_validate(
            {"name": "Victor Alvarez", "email": "office@fixitplumbing.example", "company": "FixIt Plumbing",
             "preferred_channel": "phone", "roles": ["vendor"], "phone": "+16175550199"}
        ),
    )  # fmt: skip
    contacts.create_property(
        coordinator,
        NewPropertyRecord.model_validate(
            {"address": {"line1": "200 Harbor Street", "city": "Boston", "state": "MA", "postal_code": "02110"},  # noqa: E501
             "unit": "12B", "apn": "0301-2244", "mls_id": "73100001"}
        ),
    )  # fmt: skip


def _mark_converted(lead_id: str, deal_id: str) -> None:
    """The lead as `POST …/convert` leaves it, pointing at a deal the demo already has."""
    import dataclasses

    from chalicelib.domain.entities import SYSTEM
    from chalicelib.domain.events import EventType
    from chalicelib.domain.intake import LeadStatus
    from chalicelib.services.activity import org_event

    lead = intake_store.get_lead(lead_id)
    assert lead is not None
    contact = intake_store.get_contact(lead.contact_id)
    assert contact is not None
    now = clock.now()
    uow = UnitOfWork()
    intake_store.change_lead(
        uow,
        lead,
        dataclasses.replace(
            lead, status=LeadStatus.CONVERTED, deal_id=deal_id, converted_at=now, contacted_at=now,
            updated_at=now, remind_at=None, version=lead.version + 1,
        ),
    )  # fmt: skip
    intake_store.change_contact(
        uow,
        contact,
        dataclasses.replace(contact, open_lead_id=None, deal_ids=[deal_id], version=contact.version + 1),
    )
    data = {"lead_id": lead_id, "scenario": lead.scenario, "deal_id": deal_id}
    uow.record(org_event(lead.org_id, SYSTEM, EventType.LEAD_CONVERTED, "Lead converted", data=data))
    uow.commit()
