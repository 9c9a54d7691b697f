"""User management (admins only): deactivate / reactivate a user, change a staff role.

A user is one global identity, so an admin manages the staff of their own org: the target must be staff
of an org the caller administers, and of no org the caller does not (docs/ADMIN.md). External people
(clients, lenders) are removed from deals by revoking the party instead. Every change lands in the org's
activity log with its actor and reason, and is seen by the target's very next request (the caller read
is strongly consistent).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from chalicelib import ids
from chalicelib.domain.access import Caller, require_admin
from chalicelib.domain.entities import Actor, StaffMembership, User
from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import StaffRole, UserStatus
from chalicelib.services.activity import user_event
from chalicelib.store import staff as staff_store
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork

USER_ID_PREFIX = "u"


@dataclass(frozen=True)
class ManagedUser:
    user: User
    staff: tuple[StaffMembership, ...]


def load_managed(user_id: str) -> ManagedUser | None:
    """The user by id (GSI1) and their staff memberships (one consistent Query)."""
    if not ids.looks_like(USER_ID_PREFIX, user_id):
        return None
    found = user_store.user_by_id(user_id)
    if found is None:
        return None
    user, staff = user_store.load_principal(found.email)
    return ManagedUser(user, tuple(staff)) if user is not None else None


def by_email(email: str) -> ManagedUser | None:
    user, staff = user_store.load_principal(email)
    return ManagedUser(user, tuple(staff)) if user is not None else None


def _managing_org(caller: Caller, target: ManagedUser) -> str:
    """The org through which the caller manages the target (404 if they share none, 403 unless admin)."""
    shared = [m.org_id for m in target.staff if caller.staff_role(m.org_id) is not None]
    if not shared:
        raise NotFound("user not found")
    administered = [org for org in shared if caller.staff_role(org) is StaffRole.ADMIN]
    if not administered:
        raise Forbidden("only an admin of the organization may manage users")
    if len(administered) != len(target.staff):
        raise Forbidden(
            "this person is also staff of an organization you do not administer", code="shared_user"
        )
    if target.user.user_id == caller.user_id:
        raise Forbidden("you cannot change your own account here", code="cannot_manage_self")
    return administered[0]


def set_status(caller: Caller, user_id: str, status: UserStatus, reason: str) -> ManagedUser:
    target = load_managed(user_id)
    if target is None:
        raise NotFound("user not found")
    org_id = _managing_org(caller, target)
    return set_status_as(caller.actor, target, org_id, status, reason)


def set_status_as(
    actor: Actor, target: ManagedUser, org_id: str | None, status: UserStatus, reason: str
) -> ManagedUser:
    """Deactivate or reactivate; a user already in that state is left as is (no event)."""
    if target.user.status is status:
        return target
    after = dataclasses.replace(target.user, status=status, status_reason=reason)
    uow = UnitOfWork()
    staff_store.change_user(uow, target.user, after)
    deactivating = status is UserStatus.DEACTIVATED
    label = target.user.name or "a user"
    uow.record(
        user_event(
            target.user.user_id,
            actor,
            EventType.USER_DEACTIVATED if deactivating else EventType.USER_REACTIVATED,
            f"{actor.label} {'deactivated' if deactivating else 'reactivated'} {label}",
            org_id=org_id,
            data={"reason": reason},
        )
    )
    uow.commit()
    return ManagedUser(after, target.staff)


def change_staff_role(
    caller: Caller, user_id: str, org_id: str, role: StaffRole, reason: str
) -> StaffMembership:
    require_admin(caller, org_id)
    target = load_managed(user_id)
    membership = _membership(target, org_id)
    if target is not None and target.user.user_id == caller.user_id:
        raise Forbidden("you cannot change your own staff role", code="cannot_manage_self")
    return change_staff_role_as(caller.actor, membership, role, reason)


def _membership(target: ManagedUser | None, org_id: str) -> StaffMembership:
    membership = next((m for m in target.staff if m.org_id == org_id), None) if target else None
    if membership is None:
        raise NotFound("this user is not staff of the organization")
    return membership


def change_staff_role_as(
    actor: Actor, membership: StaffMembership, role: StaffRole, reason: str
) -> StaffMembership:
    """A role already held is left as is (PUT is idempotent)."""
    if membership.role is role:
        return membership
    after = dataclasses.replace(membership, role=role)
    who = membership.email.split("@", 1)[0]
    uow = UnitOfWork()
    staff_store.change_role(uow, membership, role)
    uow.record(
        user_event(
            membership.user_id,
            actor,
            EventType.STAFF_ROLE_CHANGED,
            f"{actor.label} made {who} {role.value} (was {membership.role.value})",
            org_id=membership.org_id,
            data={
                "org_id": membership.org_id,
                "from": membership.role.value,
                "to": role.value,
                "reason": reason,
            },
        )
    )
    uow.commit()
    return after
