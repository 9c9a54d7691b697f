"""Staff memberships and user status changes (the writes of user management)."""

from __future__ import annotations

from chalicelib.domain.entities import StaffMembership, User
from chalicelib.domain.roles import StaffRole
from chalicelib.store.errors import write_conflict
from chalicelib.store.models import StaffItem, UserItem
from chalicelib.store.unit_of_work import UnitOfWork, changes_between


def change_role(uow: UnitOfWork, membership: StaffMembership, role: StaffRole) -> None:
    """On the condition that the role is still the one read (the org-staff index key moves with it)."""
    uow.update(
        StaffItem.from_entity(membership),
        {"role": role},
        condition=StaffItem.role == membership.role.value,
        on_fail=write_conflict(),
    )


def change_user(uow: UnitOfWork, before: User, after: User) -> None:
    uow.update(
        UserItem.from_entity(before),
        changes_between(before, after),
        condition=UserItem.status == before.status.value,
        on_fail=write_conflict(),
    )
