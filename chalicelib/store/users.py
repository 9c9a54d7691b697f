"""Users and staff memberships. A user's partition is keyed by normalized email (DATA_MODEL.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.entities import StaffMembership, User
from chalicelib.domain.roles import StaffRole
from chalicelib.store.errors import translated
from chalicelib.store.models import StaffItem, UserItem
from chalicelib.store.table import TableItem, query_all, query_page
from chalicelib.store.unit_of_work import UnitOfWork, already_exists


def normalize_email(email: str) -> str:
    return email.strip().lower()


def load_principal(email: str) -> tuple[User | None, list[StaffMembership]]:
    """The user and their staff memberships: one strongly consistent Query, so a deactivation or a
    role change is seen by the very next request."""
    partition = UserItem.KEY.partition_for(email=normalize_email(email))
    with translated():
        items = query_all(partition, consistent=True)
    user = next((i.to_entity() for i in items if isinstance(i, UserItem)), None)
    staff = [i.to_entity() for i in items if isinstance(i, StaffItem)]
    return user, staff


@dataclass(frozen=True)
class Person:
    """A known user and, when asked about an org, their staff role there."""

    user: User
    staff_role: StaffRole | None


def lookup(emails: Iterable[str], org_id: str) -> dict[str, Person]:
    """Users by email with their staff role in `org_id`: one BatchGetItem (two keys per email)."""
    wanted = sorted({normalize_email(e) for e in emails})
    if not wanted:
        return {}
    keys = [UserItem.key_for(email=e) for e in wanted] + [
        StaffItem.key_for(email=e, org_id=org_id) for e in wanted
    ]
    with translated():
        found = list(TableItem.batch_get(keys))
    roles = {i.email: StaffRole(i.role) for i in found if isinstance(i, StaffItem)}
    return {i.email: Person(i.to_entity(), roles.get(i.email)) for i in found if isinstance(i, UserItem)}


def user_by_id(user_id: str) -> User | None:
    partition = UserItem.INDEXES["GSI1"].partition_for(user_id=user_id)
    with translated():
        page = query_page(partition, index="GSI1", limit=1)
    return next((i.to_entity() for i in page.items if isinstance(i, UserItem)), None)


def staff_role_by_id(user_id: str, org_id: str) -> StaffRole | None:
    """The org staff role of a user known by id (an internal owner): one Query (the user, by id) and
    one GetItem (the membership, by email and org)."""
    user = user_by_id(user_id)
    if user is None:
        return None
    key = StaffItem.key_for(email=user.email, org_id=org_id)
    with translated():
        try:
            return StaffRole(StaffItem.get(key[0], key[1]).role)
        except DoesNotExist:
            return None


def add_user(uow: UnitOfWork, user: User) -> None:
    uow.create(UserItem.from_entity(user), on_exists=already_exists("a user with this email"))


def add_staff(uow: UnitOfWork, membership: StaffMembership) -> None:
    uow.create(StaffItem.from_entity(membership), on_exists=already_exists("this staff membership"))
