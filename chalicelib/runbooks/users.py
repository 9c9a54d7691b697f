"""Runbooks for user management: deactivate, reactivate, change a staff role."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.commands import Email, Id, Reason
from chalicelib.domain.entities import Actor
from chalicelib.domain.errors import NotFound
from chalicelib.domain.roles import StaffRole, UserStatus
from chalicelib.runbooks.framework import Runbook, RunbookInput, Step
from chalicelib.services import admin_users


class UserStatusInput(RunbookInput):
    email: Email
    reason: Reason
    org_id: Id | None = None  # whose log records it (default: the user's own log)


class StaffRoleInput(RunbookInput):
    email: Email
    org_id: Id
    role: StaffRole
    reason: Reason


def _target(email: str) -> admin_users.ManagedUser:
    target = admin_users.by_email(email)
    if target is None:
        raise NotFound(f"no user with the email {email}")
    return target


def _status_runbook(name: str, status: UserStatus) -> Runbook[UserStatusInput]:
    def plan(given: UserStatusInput) -> list[Step]:
        target = _target(given.email)
        if target.user.status is status:
            return []
        return [
            Step(
                f"set user status to {status.value}",
                {"user_id": target.user.user_id, "from": target.user.status.value, "to": status.value},
            )
        ]

    def apply(given: UserStatusInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
        done = admin_users.set_status_as(actor, _target(given.email), given.org_id, status, given.reason)
        return [{"user_id": done.user.user_id, "status": done.user.status.value}]

    return Runbook(name, UserStatusInput, plan, apply)


DEACTIVATE_USER = _status_runbook("runbook_deactivate_user", UserStatus.DEACTIVATED)
REACTIVATE_USER = _status_runbook("runbook_reactivate_user", UserStatus.ACTIVE)


def _membership(given: StaffRoleInput) -> Any:
    target = _target(given.email)
    membership = next((m for m in target.staff if m.org_id == given.org_id), None)
    if membership is None:
        raise NotFound("this user is not staff of the organization")
    return membership


def _plan_role(given: StaffRoleInput) -> list[Step]:
    membership = _membership(given)
    if membership.role is given.role:
        return []
    target = {"user_id": membership.user_id, "org_id": given.org_id, "from": membership.role.value}
    return [Step("change staff role", {**target, "to": given.role.value})]


def _apply_role(given: StaffRoleInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    done = admin_users.change_staff_role_as(actor, _membership(given), given.role, given.reason)
    return [{"user_id": done.user_id, "org_id": done.org_id, "role": done.role.value}]


CHANGE_STAFF_ROLE = Runbook("runbook_change_staff_role", StaffRoleInput, _plan_role, _apply_role)
