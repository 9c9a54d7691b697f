"""The permission policy of PRODUCT.md §1, as data and small pure functions.

Two questions are asked of every deal-scoped request, in this order:
1. does the caller *reach* the deal?   no → NotFound (404; never reveal that it exists)
2. may they take this *action*?        no → Forbidden (403)
Record-level rules (visibility, "own" tasks, "when targeted") are answered by `can_see` / services.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from chalicelib.domain.entities import Actor, Deal, Party, StaffMembership, User
from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.roles import (
    DEAL_TEAM,
    OPS,
    Capacity,
    PartyRole,
    PartyStatus,
    StaffRole,
    Visibility,
)


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of one request."""

    user: User
    staff: tuple[StaffMembership, ...] = field(default_factory=tuple)

    @property
    def user_id(self) -> str:
        return self.user.user_id

    @property
    def label(self) -> str:
        return self.user.name or self.user.email.split("@", 1)[0]

    @property
    def actor(self) -> Actor:
        return Actor(self.user.user_id, self.label)

    def staff_role(self, org_id: str) -> StaffRole | None:
        return next((m.role for m in self.staff if m.org_id == org_id), None)

    def ops_orgs(self) -> list[str]:
        """Orgs where the caller runs the admin panel (admin or coordinator)."""
        return [m.org_id for m in self.staff if m.role in (StaffRole.ADMIN, StaffRole.COORDINATOR)]

    def require_scope(self, needed: str | None) -> None:
        """A person may call any route the rules let them; an API client only those its scopes open
        (domain/api_clients.py: MachineCaller, api/machine_scopes.py)."""


class Action(StrEnum):
    VIEW_DEAL = "view_deal"
    EDIT_DEAL = "edit_deal"
    ADVANCE_STAGE = "advance_stage"
    OVERRIDE_STAGE = "override_stage"
    MANAGE_TASKS = "manage_tasks"
    COMPLETE_TASK = "complete_task"
    REQUEST_DOCUMENT = "request_document"
    UPLOAD_DOCUMENT = "upload_document"
    REVIEW_DOCUMENT = "review_document"
    DOWNLOAD_DOCUMENT = "download_document"
    MANAGE_PARTIES = "manage_parties"
    POST_MESSAGE = "post_message"
    POST_INTERNAL_NOTE = "post_internal_note"
    SEND_CRITICAL = "send_critical"  # through digests and quiet hours (PRODUCT.md §5)


EVERYONE = frozenset(Capacity)

# PRODUCT.md §1's table. "own", "when targeted" and "by visibility" cells are EVERYONE here and are
# narrowed record by record in the services.
DEAL_RULES: dict[Action, frozenset[Capacity]] = {
    Action.VIEW_DEAL: EVERYONE,
    Action.EDIT_DEAL: DEAL_TEAM,
    Action.ADVANCE_STAGE: DEAL_TEAM,
    Action.OVERRIDE_STAGE: OPS,
    Action.MANAGE_TASKS: DEAL_TEAM,
    Action.COMPLETE_TASK: EVERYONE,
    Action.REQUEST_DOCUMENT: DEAL_TEAM,
    Action.UPLOAD_DOCUMENT: EVERYONE,
    Action.REVIEW_DOCUMENT: OPS,
    Action.DOWNLOAD_DOCUMENT: EVERYONE,
    Action.MANAGE_PARTIES: DEAL_TEAM,
    Action.POST_MESSAGE: EVERYONE,
    Action.POST_INTERNAL_NOTE: DEAL_TEAM,
    Action.SEND_CRITICAL: OPS,
}

_PARTY_CAPACITY = {
    PartyRole.CLIENT: Capacity.CLIENT,
    PartyRole.CO_CLIENT: Capacity.CLIENT,
    PartyRole.VENDOR: Capacity.VENDOR,
    PartyRole.LENDER: Capacity.PARTNER,
    PartyRole.TITLE: Capacity.PARTNER,
    PartyRole.ATTORNEY: Capacity.PARTNER,
    # An agent or coordinator from outside the deal's org (a co-op agent, an outsourced TC without a
    # staff seat) is a partner: they see what parties see and nothing internal.
    PartyRole.AGENT: Capacity.PARTNER,
    PartyRole.COORDINATOR: Capacity.PARTNER,
}


@dataclass(frozen=True)
class DealAccess:
    """How one caller stands on one deal."""

    caller: Caller
    capacity: Capacity
    party: Party | None

    @property
    def user_id(self) -> str:
        return self.caller.user_id

    @property
    def is_staff(self) -> bool:
        """Staff of the deal's org who reach it: they see internal fields and records."""
        return self.capacity in DEAL_TEAM

    def allows(self, action: Action) -> bool:
        return self.capacity in DEAL_RULES[action]

    def require(self, action: Action) -> None:
        if not self.allows(action):
            raise Forbidden(f"your role on this deal does not allow {action.value.replace('_', ' ')}")


def resolve_access(caller: Caller, deal: Deal, parties: Iterable[Party]) -> DealAccess | None:
    """None when the caller does not reach the deal."""
    party = next((p for p in parties if p.user_id == caller.user_id and p.status == PartyStatus.ACTIVE), None)
    staff_role = caller.staff_role(deal.org_id)
    if staff_role is StaffRole.ADMIN:
        return DealAccess(caller, Capacity.ADMIN, party)
    if staff_role is StaffRole.COORDINATOR:
        return DealAccess(caller, Capacity.COORDINATOR, party)
    if party is None:
        return None
    if staff_role is StaffRole.AGENT:
        return DealAccess(caller, Capacity.AGENT, party)
    return DealAccess(caller, _PARTY_CAPACITY[party.role], party)


def require_access(caller: Caller, deal: Deal | None, parties: Iterable[Party]) -> DealAccess:
    access = resolve_access(caller, deal, parties) if deal is not None else None
    if access is None:
        raise NotFound("deal not found")
    return access


def can_see(
    access: DealAccess,
    visibility: Visibility,
    restricted_to: Collection[str] = (),
    *,
    owner_user_id: str | None = None,
) -> bool:
    """Record visibility (§1). Vendors see only what is theirs, even where a record is `parties`."""
    if access.is_staff:
        return True
    if visibility is Visibility.INTERNAL:
        return False
    mine = access.user_id in restricted_to or (owner_user_id is not None and owner_user_id == access.user_id)
    if access.capacity is Capacity.VENDOR:
        return mine
    return visibility is Visibility.PARTIES or mine


def sees_template_item(access: DealAccess, visibility: Visibility, audience_roles: Collection[str]) -> bool:
    """Whether the caller sees a template's document or task as they would see the record it makes: a
    restricted one's audience is the party roles that upload, view or own it."""
    mine = access.party is not None and access.party.role in audience_roles
    return can_see(access, visibility, (access.user_id,) if mine else ())


def require_ops(caller: Caller, org_id: str) -> None:
    """Admin panel rights: admin or coordinator of the org. Agents of the org are refused (403);
    anyone outside it is told the org does not exist (404)."""
    role = caller.staff_role(org_id)
    if role is None:
        raise NotFound("organization not found")
    if role is StaffRole.AGENT:
        raise Forbidden("the admin panel is for admins and coordinators")


def require_admin(caller: Caller, org_id: str) -> None:
    role = caller.staff_role(org_id)
    if role is None:
        raise NotFound("organization not found")
    if role is not StaffRole.ADMIN:
        raise Forbidden("only an admin of the organization may manage users")


def party_capacity(role: PartyRole) -> Capacity:
    """The capacity a party role gives someone who is not staff of the deal's org (issue 13: an invitee's
    reminder is planned with the capacity they will have)."""
    return _PARTY_CAPACITY[role]
