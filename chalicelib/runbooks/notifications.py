"""Runbook: resend one notification (the admin route's twin, for ops working from the console)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chalicelib.domain.commands import Reason
from chalicelib.domain.entities import Actor, Notification
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.runbooks.framework import Runbook, RunbookInput, Step
from chalicelib.services import notification_resend


class ResendNotificationInput(RunbookInput):
    notification_id: str = Field(pattern=r"^nt_[0-9a-z]{26}$")
    reason: Reason | None = None
    # the original's resend_count that this run replaces (the dry run shows it): a second run of the same
    # event finds it moved on and sends nothing
    resend_count: int | None = Field(default=None, ge=0)


def _original(notification_id: str) -> Notification:
    found = notification_resend.find(notification_id)
    if found is None or found.org_id is None:
        raise NotFound("notification not found")
    return found


def _plan(given: ResendNotificationInput) -> list[Step]:
    original = _original(given.notification_id)
    if given.resend_count is not None and given.resend_count != original.resend_count:
        return []  # already resent since this event was written
    target = {
        "notification_id": original.notification_id,
        "user_id": original.user_id,
        "channel": original.channel,
        "resend_count": original.resend_count,
    }
    return [Step("send the notification again (a new notification; the original is unchanged)", target)]


def _apply(given: ResendNotificationInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    original = _original(given.notification_id)
    if given.resend_count is None:
        raise Conflict(
            f"confirm the resend with resend_count: {original.resend_count} (so a second run sends nothing)",
            code="confirm_resend_count",
        )
    if given.resend_count != original.resend_count:
        return []
    fresh = notification_resend.resend_as(actor, original, given.reason)
    return [
        {
            "notification_id": fresh.notification_id,
            "resent_from": original.notification_id,
            "state": fresh.state,
        }
    ]


RESEND_NOTIFICATION = Runbook("runbook_resend_notification", ResendNotificationInput, _plan, _apply)
