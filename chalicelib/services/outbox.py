"""The outbox: each activity event becomes its notifications and one domain event on the bus — once.

Steps, each recorded on the event's progress marker (`OUTBOX#{event_id}`) so a redelivered stream record
resumes where the last attempt stopped instead of starting again:

1. **plan**: who hears about it, on which channels, when; the notifications and the marker are written
   in one transaction, each on the condition that it does not exist (a duplicate writes nothing);
2. **publish** the domain event to EventBridge, then mark the marker `published`;
3. **deliver** what is due now (the rest waits in the send queue for the sweep), then mark it `done`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.config import settings
from chalicelib.domain import notification_rules as rules
from chalicelib.domain import notification_templates as templates
from chalicelib.domain.access import Caller, DealAccess, resolve_access
from chalicelib.domain.entities import ActivityEvent, Deal, Notification, Party, StaffMembership, User
from chalicelib.domain.notifications import (
    DEFAULT_TIME_ZONE,
    Channel,
    DeliveryState,
    Preferences,
    is_digest,
    notification_id,
    preferences_of,
    send_time,
)
from chalicelib.domain.roles import PartyRole, PartyStatus, StaffRole, UserStatus
from chalicelib.observability import logger, metrics
from chalicelib.services import delivery
from chalicelib.services.webhook_delivery import fan_out as fan_out_webhooks  # outbound webhooks
from chalicelib.store import deals as deal_store
from chalicelib.store import notifications as store
from chalicelib.store import outbound
from chalicelib.store.notification_models import NotificationItem


def handle_event(event: ActivityEvent) -> None:
    now = clock.now()
    progress = store.outbox_progress(event.event_id)
    fresh: list[Notification] | None = None
    recipients: store.Recipients | None = None
    if progress is None:
        fresh, recipients = _planned(event, now)
        if store.write_plan(event.event_id, fresh, now):
            progress = store.Progress(event.event_id, "planned")
        else:  # another delivery of this record got there first: resume from what it recorded
            fresh, recipients = None, None
            progress = store.outbox_progress(event.event_id)
            if progress is None:
                raise RuntimeError("the outbox marker vanished")  # the record is retried
    if progress.state == "planned":
        fan_out_webhooks(event)  # outbound webhooks: idempotent (docs/INTEGRATIONS.md)
        outbound.publish_event(event.type, domain_event(event), event.at)
        store.set_progress(event.event_id, "published")
        progress.state = "published"
    if progress.state == "published":
        if fresh is not None:
            items = [NotificationItem.from_entity(n) for n in fresh]
        else:
            items = store.notification_items(progress.notification_keys)
        delivery.send_due(items, now, recipients)
        store.set_progress(event.event_id, "done")


def domain_event(event: ActivityEvent) -> dict[str, Any]:
    """The `detail` of the EventBridge event (docs/EVENTS.md): `event_id` is the consumers' dedupe key."""
    return {
        "event_id": event.event_id,
        "type": event.type,
        "at": clock.iso(event.at),
        "org_id": event.org_id,
        "deal_id": event.deal_id,
        "subject_user_id": event.subject_user_id,
        "actor": {"user_id": event.actor_user_id, "label": event.actor_label},
        "visibility": str(event.visibility),
        "restricted_to": list(event.restricted_to),
        "data": event.data,
    }


# -- planning -------------------------------------------------------------------------------------


def _planned(event: ActivityEvent, now: datetime) -> tuple[list[Notification], store.Recipients | None]:
    if event.deal_id is None and event.type.startswith("lead."):  # intake's events (docs/INTAKE.md)
        from chalicelib.services import lead_notifications

        return lead_notifications.plan(event, now)
    return plan(event, now)


@dataclass(frozen=True)
class Person:
    access: DealAccess
    email: str
    phone: str | None
    is_party: bool

    @property
    def user_id(self) -> str:
        return self.access.user_id


def plan(event: ActivityEvent, now: datetime) -> tuple[list[Notification], store.Recipients | None]:
    """Every notification the event causes (pure rules over one deal-header Query, one staff Query and
    one BatchGetItem of the recipients' users, preferences and suppressions)."""
    if event.deal_id is None or rules.rule_for(event.type, None) is None:
        return [], None
    deal, parties = deal_store.load_header(event.deal_id)
    if deal is None:
        return [], None
    base = rules.rule_for(event.type, deal.workflow)
    assert base is not None
    people = _people(deal, parties, store.org_staff(deal.org_id))
    people.update(_invitee(event, deal, parties))  # invitee reminders (issue 13)
    coordinators = _coordinators(people, deal.org_id)
    audience = [
        p
        for p in people.values()
        if _in_audience(base, event, p, coordinators) and rules.may_notify(event, p.access)
    ]
    if not audience:
        return [], None
    found = store.load_recipients(deal.org_id, {p.user_id: p.email for p in audience})
    rule = rules.rule_for(event.type, deal.workflow, found.org_overrides)
    assert rule is not None
    actor = people.get(event.actor_user_id)
    critical = rules.is_critical(event, actor.access if actor else None)
    org_zone = found.org.time_zone if found.org else DEFAULT_TIME_ZONE
    planned: list[Notification] = []
    for person in audience:
        user = found.users.get(person.user_id)
        if user is None or user.status is UserStatus.DEACTIVATED:
            continue
        prefs = preferences_of(found.preferences.get(person.user_id), org_zone)
        message = templates.render(event, deal, time_zone=prefs.time_zone, portal_url=settings().portal_url)
        if message is None:
            continue
        for channel in sorted(rules.channels_for(rule, event.type, person.access, prefs)):
            note = _notification(event, deal, person, user, channel, prefs, critical, now, message)
            if note is None:
                continue
            if channel is Channel.EMAIL and note.destination in found.suppressed:
                note.state, note.reason = DeliveryState.SUPPRESSED.value, "address_suppressed"
            planned.append(note)
    metrics.add_metric(name="NotificationsPlanned", unit="Count", value=len(planned))
    logger.info("planned notifications", extra={"event_id": event.event_id, "count": len(planned)})
    return planned, found


def _in_audience(rule: rules.Rule, event: ActivityEvent, person: Person, coordinators: set[str]) -> bool:
    """PARTIES means the deal's parties (an org admin reaching every deal is not told of every one); the
    TEAM is its staff parties and its coordinator(s)."""
    if rule.audience is rules.Audience.PARTIES and not person.is_party:
        return False
    if rule.audience is rules.Audience.TEAM:
        return person.access.is_staff and (person.is_party or person.user_id in coordinators)
    party = person.access.party
    for_role = event.data.get("for_role")  # a reminder of a task nobody owns yet: its role's parties
    if rule.audience is rules.Audience.SUBJECTS and for_role and party and party.role.value == for_role:
        return True
    # a change request waiting on the coordinator role: the deal's coordinator(s), parties or not
    wants_coordinators = rule.audience is rules.Audience.SUBJECTS and event.data.get("for_coordinators")
    if wants_coordinators and person.user_id in coordinators:
        return True
    return rules.in_audience(rule, event, person.access, coordinators)


def _people(deal: Deal, parties: list[Party], staff: list[StaffMembership]) -> dict[str, Person]:
    """Everyone who reaches the deal: its active parties and the org's admins and coordinators, each
    with the access the policy gives them (the same function requests use)."""
    memberships: dict[str, list[StaffMembership]] = {}
    emails: dict[str, str] = {}
    for m in staff:
        memberships.setdefault(m.user_id, []).append(m)
        emails[m.user_id] = m.email
    active = {p.user_id: p for p in parties if p.status is PartyStatus.ACTIVE}
    out: dict[str, Person] = {}
    for user_id in sorted(set(active) | set(memberships)):
        party = active.get(user_id)
        email = party.email if party else emails[user_id]
        user = User(user_id, email, UserStatus.ACTIVE, deal.created_at, phone=party.phone if party else None)
        access = resolve_access(Caller(user, tuple(memberships.get(user_id, ()))), deal, parties)
        if access is not None:
            out[user_id] = Person(access, email, user.phone, party is not None)
    return out


def _coordinators(people: dict[str, Person], org_id: str) -> set[str]:
    """The deal's coordinator(s): staff coordinators on the deal, else every coordinator of the org."""
    on_deal = {
        uid
        for uid, p in people.items()
        if p.is_party and p.access.party is not None and p.access.party.role is PartyRole.COORDINATOR
    }
    if on_deal:
        return on_deal
    return {uid for uid, p in people.items() if p.access.caller.staff_role(org_id) is StaffRole.COORDINATOR}


def _notification(
    event: ActivityEvent,
    deal: Deal,
    person: Person,
    user: User,
    channel: Channel,
    prefs: Preferences,
    critical: bool,
    now: datetime,
    message: templates.Message,
) -> Notification | None:
    destination = {Channel.EMAIL: user.email, Channel.SMS: user.phone or person.phone, Channel.IN_APP: None}[
        channel
    ]
    if channel is not Channel.IN_APP and not destination:
        return None  # no phone number: nothing to send, nothing to record
    in_app = channel is Channel.IN_APP
    return Notification(
        notification_id=notification_id(event.event_id, event.at, person.user_id, channel),
        user_id=person.user_id,
        channel=channel.value,
        event_id=event.event_id,
        event_type=event.type,
        created_at=event.at,
        state=(DeliveryState.DELIVERED if in_app else DeliveryState.QUEUED).value,
        send_after=send_time(channel, now, prefs, critical=critical),
        message=templates.as_data(message),
        deal_id=deal.deal_id,
        org_id=deal.org_id,
        destination=destination,
        time_zone=prefs.time_zone,
        digest=is_digest(channel, prefs, critical),
        critical=critical,
        delivered_at=now if in_app else None,
    )


# -- invitee reminders (issue 13) -------------------------------------------------------------------


def _invitee(event: ActivityEvent, deal: Deal, parties: list[Party]) -> dict[str, Person]:
    """An invited party does not reach the deal yet, so `_people` leaves them out; the reminder to accept
    their invitation is the one event they are told about (its subject, restricted to them)."""
    from chalicelib.domain.access import party_capacity
    from chalicelib.domain.events import EventType

    if event.type != EventType.INVITATION_REMINDED:
        return {}
    wanted = event.data.get("user_id")
    party = next(
        (p for p in parties if p.user_id == wanted and p.status is PartyStatus.INVITED),
        None,
    )
    if party is None:
        return {}
    user = User(party.user_id, party.email, UserStatus.ACTIVE, deal.created_at, phone=party.phone)
    access = DealAccess(Caller(user), party_capacity(party.role), party)
    return {party.user_id: Person(access, party.email, party.phone, True)}
