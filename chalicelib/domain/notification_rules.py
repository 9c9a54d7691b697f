"""Who hears about an event, and on which channels: rules as data (PRODUCT.md §5).

A rule names an event's *audience* (who it concerns) and, per *recipient group*, the channels they get by
default. Defaults are tuned per workflow template (data below), then per org (an admin's overrides), then
per user (their preferences). Visibility is never tuned: an internal event never reaches a non-staff
user, a restricted one only the users it names, and nobody hears about their own action.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chalicelib.domain.access import DealAccess, can_see
from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.events import Category, EventType, spec
from chalicelib.domain.notifications import Channel, Preferences
from chalicelib.domain.roles import OPS, Capacity, Visibility


class Audience(StrEnum):
    SUBJECTS = "subjects"  # the users the event is about: its restricted_to and the users its data names
    PARTIES = "parties"  # everyone on the deal who may see the event
    TEAM = "team"  # the deal team: staff of the deal's org who reach the deal
    COORDINATORS = "coordinators"  # the deal's coordinator(s); else the org's coordinators


class Group(StrEnum):
    """Recipient groups rules are written for (a user's capacity on the deal, coarsened)."""

    STAFF = "staff"
    CLIENT = "client"
    VENDOR = "vendor"
    PARTNER = "partner"


GROUP_OF = {
    Capacity.ADMIN: Group.STAFF,
    Capacity.COORDINATOR: Group.STAFF,
    Capacity.AGENT: Group.STAFF,
    Capacity.CLIENT: Group.CLIENT,
    Capacity.VENDOR: Group.VENDOR,
    Capacity.PARTNER: Group.PARTNER,
}

ChannelMap = dict[Group, frozenset[Channel]]

E, S, A = Channel.EMAIL, Channel.SMS, Channel.IN_APP
_ALL_GROUPS = tuple(Group)


def _each(channels: Iterable[Channel], groups: Iterable[Group] = _ALL_GROUPS) -> ChannelMap:
    return {g: frozenset(channels) for g in groups}


def _staff(channels: Iterable[Channel]) -> ChannelMap:
    """For team and coordinator audiences: only staff are ever in them."""
    return _each(channels, [Group.STAFF])


@dataclass(frozen=True)
class Rule:
    audience: Audience
    channels: ChannelMap


# Data keys naming the users an event is about (beyond its restricted_to).
SUBJECT_KEYS = ("owner_user_id", "target_user_ids", "user_id")

DEFAULT_RULES: dict[EventType, Rule] = {
    EventType.DEAL_CREATED: Rule(
        Audience.PARTIES, {**_each([A]), Group.CLIENT: frozenset({E, A}), Group.PARTNER: frozenset({E, A})}
    ),
    EventType.DEAL_STAGE_CHANGED: Rule(
        Audience.PARTIES, {**_each([A]), Group.CLIENT: frozenset({E, A}), Group.PARTNER: frozenset({E, A})}
    ),
    EventType.DEAL_KEY_DATE_CHANGED: Rule(Audience.PARTIES, {**_each([E, A]), Group.STAFF: frozenset({A})}),
    EventType.PARTY_INVITED: Rule(Audience.TEAM, _staff([A])),
    EventType.PARTY_ACCEPTED: Rule(Audience.TEAM, _staff([A])),
    EventType.TASK_CREATED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.TASK_ASSIGNED: Rule(Audience.SUBJECTS, {**_each([E, A]), Group.VENDOR: frozenset({E, S, A})}),
    EventType.TASK_REDATED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.TASK_COMPLETED: Rule(Audience.TEAM, _staff([A])),
    EventType.TASK_ACCEPTED: Rule(Audience.TEAM, _staff([A])),
    EventType.TASK_DECLINED: Rule(Audience.TEAM, _staff([E, A])),
    EventType.DOCUMENT_REQUESTED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.DOCUMENT_SUBMITTED: Rule(Audience.TEAM, _staff([A])),
    EventType.DOCUMENT_UPLOAD_REFUSED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.DOCUMENT_APPROVED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.DOCUMENT_REJECTED: Rule(
        Audience.SUBJECTS, {**_each([E, A]), Group.CLIENT: frozenset({E, S, A})}
    ),
    EventType.MESSAGE_POSTED: Rule(Audience.PARTIES, _each([E, A])),
    EventType.REMINDER_SENT: Rule(Audience.SUBJECTS, {**_each([E, A]), Group.CLIENT: frozenset({E, S, A})}),
    EventType.REMINDER_ESCALATED: Rule(Audience.COORDINATORS, _staff([E, A])),
    # change requests: approvers and the submitter are the event's restricted_to (docs/CHANGE_REQUESTS.md)
    EventType.CHANGE_REQUEST_SUBMITTED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.CHANGE_REQUEST_RESUBMITTED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.CHANGE_REQUEST_APPROVAL_RECORDED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.CHANGE_REQUEST_CHANGES_REQUESTED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.CHANGE_REQUEST_REJECTED: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.CHANGE_REQUEST_WITHDRAWN: Rule(Audience.SUBJECTS, _each([A])),
    EventType.CHANGE_REQUEST_APPROVED: Rule(Audience.PARTIES, _each([E, A])),
    EventType.CHANGE_REQUEST_APPLIED: Rule(
        Audience.PARTIES, {**_each([E, A]), Group.CLIENT: frozenset({E, S, A})}
    ),
    # accounts and invitee reminders (issue 13): the invitee is the event's subject (services/outbox.py
    # counts an invited party among the recipients of this event only)
    EventType.INVITATION_REMINDED: Rule(Audience.SUBJECTS, _each([E])),
    EventType.INVITATION_NOT_ACCEPTED: Rule(Audience.COORDINATORS, _staff([E, A])),
    EventType.DEAL_ACCOUNT_ACCESS_GRANTED: Rule(Audience.TEAM, _staff([A])),
    # e-signature (docs/ESIGN.md): signers hear it went out; the coordinator hears when it stops short
    EventType.DOCUMENT_SENT_FOR_SIGNATURE: Rule(Audience.SUBJECTS, _each([E, A])),
    EventType.DOCUMENT_SIGNED: Rule(Audience.TEAM, _staff([A])),
    EventType.DOCUMENT_SIGNATURE_DECLINED: Rule(Audience.COORDINATORS, _staff([E, A])),
    EventType.DOCUMENT_SIGNATURE_VOIDED: Rule(Audience.COORDINATORS, _staff([E, A])),
}

# Per workflow template: what differs from the defaults, per event and group.
WORKFLOW_DEFAULTS: dict[str, dict[EventType, ChannelMap]] = {
    "purchase": {
        # a moved closing or deadline matters enough to text the buyers
        EventType.DEAL_KEY_DATE_CHANGED: {Group.CLIENT: frozenset({E, S, A})},
    },
    "lease": {
        EventType.DEAL_STAGE_CHANGED: {Group.CLIENT: frozenset({E, S, A})},
    },
    "maintenance": {
        # tenants and vendors live on their phones: a visit being scheduled is a text
        EventType.DEAL_STAGE_CHANGED: {Group.CLIENT: frozenset({E, S, A}), Group.VENDOR: frozenset({S, A})},
        EventType.TASK_ASSIGNED: {Group.VENDOR: frozenset({S, A})},
    },
}

OrgOverrides = Mapping[str, Mapping[str, Iterable[str]]]  # {"<event type>": {"<group>": ["email", ...]}}


def rule_for(event_type: str, workflow: str | None, org: OrgOverrides | None = None) -> Rule | None:
    """The rule for an event on a deal of `workflow`, with the org's overrides applied; None when the
    event notifies nobody (its category is audit, or no rule names it)."""
    try:
        kind = EventType(event_type)
    except ValueError:
        return None
    base = DEFAULT_RULES.get(kind)
    if base is None or spec(kind).category is Category.AUDIT:
        return None
    channels = dict(base.channels)
    channels.update(WORKFLOW_DEFAULTS.get(workflow or "", {}).get(kind, {}))
    for group, names in (org or {}).get(kind.value, {}).items():
        if group in Group.__members__.values():
            channels[Group(group)] = frozenset(Channel(n) for n in names if n in Channel.__members__.values())
    return Rule(base.audience, channels)


def subjects_of(event: ActivityEvent) -> set[str]:
    named: set[str] = set(event.restricted_to)
    for key in SUBJECT_KEYS:
        value = event.data.get(key)
        if isinstance(value, str) and value:
            named.add(value)
        elif isinstance(value, list):
            named |= {v for v in value if isinstance(v, str) and v}
    return named


def in_audience(rule: Rule, event: ActivityEvent, access: DealAccess, coordinators: set[str]) -> bool:
    if rule.audience is Audience.SUBJECTS:
        return access.user_id in subjects_of(event)
    if rule.audience is Audience.TEAM:
        return access.is_staff
    if rule.audience is Audience.COORDINATORS:
        return access.user_id in coordinators
    return True


def may_notify(event: ActivityEvent, access: DealAccess) -> bool:
    """Visibility, exactly as the activity log applies it: the same policy function."""
    if access.user_id == event.actor_user_id:
        return False  # nobody is told about their own action
    return can_see(access, Visibility(event.visibility), event.restricted_to)


def channels_for(rule: Rule, event_type: str, access: DealAccess, prefs: Preferences) -> set[Channel]:
    """The rule's channels for the recipient's group, tuned by their preferences: a category switch
    turns a channel on or off for that category; a global channel switch off wins over everything."""
    chosen = set(rule.channels.get(GROUP_OF[access.capacity], frozenset()))
    category = spec(event_type).category.value
    for name, on in prefs.categories.get(category, {}).items():
        if name in Channel.__members__.values():
            (chosen.add if on else chosen.discard)(Channel(name))
    return {c for c in chosen if prefs.allows(c)}


def is_critical(event: ActivityEvent, actor_access: DealAccess | None) -> bool:
    """A coordinator (or admin) may force a message through digest and quiet hours by marking the event
    critical; anyone else's "critical" is ignored. It never overrides the SMS hours or an opt-out."""
    return bool(event.data.get("critical")) and actor_access is not None and actor_access.capacity in OPS


def describe_rule(kind: EventType) -> dict[str, Any] | None:
    """A rule as plain data, for docs/EVENTS.md."""
    rule = DEFAULT_RULES.get(kind)
    if rule is None or spec(kind).category is Category.AUDIT:
        return None
    return {
        "audience": rule.audience.value,
        "channels": {g.value: sorted(c.value for c in chans) for g, chans in rule.channels.items() if chans},
    }
