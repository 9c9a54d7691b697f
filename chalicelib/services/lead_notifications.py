"""Who hears about a lead's events (docs/INTAKE.md), planned like every other notification (the outbox
calls this for lead events, which belong to no deal): the person gets the welcome email with their
scenario's checklist, the routed owner is told in the app and by email, an uncontacted lead reminds its
owner and then its org's coordinators. Preferences, quiet hours, the digest, suppression and the daily
cap apply through the same planning and delivery as any notification."""

from __future__ import annotations

from datetime import datetime

from chalicelib.config import settings
from chalicelib.domain import intake
from chalicelib.domain.contacts import Lead
from chalicelib.domain.entities import ActivityEvent, Notification
from chalicelib.domain.events import EventType, spec
from chalicelib.domain.notifications import (
    DEFAULT_TIME_ZONE,
    Channel,
    DeliveryState,
    is_digest,
    notification_id,
    preferences_of,
    send_time,
    still_wanted,
)
from chalicelib.domain.roles import UserStatus
from chalicelib.store import intake as intake_store
from chalicelib.store import notifications as store
from chalicelib.store import users as user_store

LEAD_EVENTS = frozenset({EventType.LEAD_RECEIVED, EventType.LEAD_REMINDER_SENT, EventType.LEAD_ESCALATED})
E, A = Channel.EMAIL, Channel.IN_APP


Wanted = dict[str, tuple[str, frozenset[Channel], str, str, str]]  # user id → (email, channels, texts)


def plan(event: ActivityEvent, now: datetime) -> tuple[list[Notification], store.Recipients | None]:
    lead = intake_store.get_lead(str(event.data.get("lead_id"))) if event.type in LEAD_EVENTS else None
    if lead is None or event.org_id is None:
        return [], None
    wanted = _wanted(event, lead)
    if not wanted:
        return [], None
    found = store.load_recipients(event.org_id, {uid: w[0] or None for uid, w in wanted.items()})
    org_zone = found.org.time_zone if found.org else DEFAULT_TIME_ZONE
    category = spec(event.type).category.value
    portal = settings().portal_url
    planned: list[Notification] = []
    for user_id, (_email, channels, subject, happened, next_step) in sorted(wanted.items()):
        user = found.users.get(user_id)
        if user is None or user.status is UserStatus.DEACTIVATED:
            continue
        prefs = preferences_of(found.preferences.get(user_id), org_zone)
        is_person = user_id == event.data.get("person_user_id")
        link = portal if is_person else f"{portal}/admin/leads/{lead.lead_id}"
        message = {
            "subject": subject,
            "happened": happened,
            "next_step": next_step,
            "link": link,
            "place": "",
        }
        for channel in sorted(c for c in channels if still_wanted(c, category, prefs)):
            in_app = channel is A
            note = Notification(
                notification_id=notification_id(event.event_id, event.at, user_id, channel),
                user_id=user_id, channel=channel.value, event_id=event.event_id, event_type=event.type,
                created_at=event.at, state=(DeliveryState.DELIVERED if in_app else DeliveryState.QUEUED).value,  # noqa: E501
                send_after=send_time(channel, now, prefs), message=message, org_id=event.org_id,
                destination=None if in_app else user.email, time_zone=prefs.time_zone,
                digest=is_digest(channel, prefs, False), delivered_at=now if in_app else None,
            )  # fmt: skip
            if channel is E and user.email in found.suppressed:
                note.state, note.reason = DeliveryState.SUPPRESSED.value, "address_suppressed"
            planned.append(note)
    return planned, found


def _wanted(event: ActivityEvent, lead: Lead) -> Wanted:
    assert event.org_id is not None
    org, stored = intake_store.org_and_settings(event.org_id)
    scenario = intake.settings_for(stored).scenario(lead.scenario)
    label = (scenario.label if scenario else lead.scenario).lower()
    who = lead.contact_name
    wanted: Wanted = {}
    if event.type == EventType.LEAD_RECEIVED:
        person = intake_store.get_contact(lead.contact_id)
        person_user = str(event.data.get("person_user_id") or "")
        if person is not None and person.email and person_user:
            checklist = "; ".join(scenario.checklist) if scenario else ""
            wanted[person_user] = (
                person.email,
                frozenset({E}),
                f"Welcome to {org.name if org else 'your brokerage'}",
                f"Thanks, {person.name.split()[0]}: we received your request ({label}); an agent will be in touch.",  # noqa: E501
                f"What to prepare: {checklist}." if checklist else "We will tell you what to prepare.",
            )
        _staff(
            wanted,
            lead.owner_user_id,
            f"New lead: {who}",
            f"A new {label} lead was routed to you.",
            "Contact them today.",
        )
    elif event.type == EventType.LEAD_REMINDER_SENT:
        _staff(
            wanted,
            lead.owner_user_id,
            f"Reminder: {who} is waiting",
            f"The {label} lead from {who} has not been contacted.",
            "Reach out and mark the lead contacted.",
        )
    else:
        for coordinator in intake_store.org_coordinators(event.org_id):
            _staff(
                wanted,
                coordinator,
                f"Escalated: {who} not contacted",
                f"The {label} lead from {who} is still not contacted.",
                "Reassign it or follow up with its owner.",
            )
    return wanted


def _staff(
    wanted: Wanted,
    user_id: str | None,
    subject: str,
    happened: str,
    next_step: str,
) -> None:
    if not user_id:
        return
    user = user_store.user_by_id(user_id)
    if user is not None:
        wanted[user_id] = (user.email, frozenset({E, A}), subject, happened, next_step)
