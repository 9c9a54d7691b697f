"""What the admin panel shows of invitations, managed users and the pipeline. Only admins and coordinators
of the org reach these routes, so there is no per-viewer filtering here (domain/views.py has that)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import iso
from chalicelib.domain.entities import Deal, DealSummary, Invitation, StaffMembership, User
from chalicelib.domain.views import deal_summary_view


def invitation_view(invitation: Invitation) -> dict[str, Any]:
    """Never the token: it is not stored."""
    out: dict[str, Any] = {
        "id": invitation.invitation_id,
        "deal_id": invitation.deal_id,
        "user_id": invitation.user_id,
        "email": invitation.email,
        "role": invitation.role.value,
        "status": invitation.status.value,
        "created_at": iso(invitation.created_at),
        "valid_until": iso(invitation.valid_until),
        "last_sent_at": iso(invitation.last_sent_at),
        "sent_count": invitation.sent_count,
    }
    for name in ("accepted_at", "revoked_at"):
        value = getattr(invitation, name)
        if value is not None:
            out[name] = iso(value)
    return out


def staff_view(membership: StaffMembership) -> dict[str, Any]:
    return {"org_id": membership.org_id, "org_name": membership.org_name, "role": membership.role.value}


def managed_user_view(user: User, staff: tuple[StaffMembership, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": user.user_id,
        "email": user.email,
        "name": user.name,
        "status": user.status.value,
        "staff": [staff_view(m) for m in staff],
    }
    if user.status_reason:
        out["status_reason"] = user.status_reason
    return out


def pipeline_item_view(deal: Deal, summary: DealSummary, now: datetime) -> dict[str, Any]:
    out = deal_summary_view(summary)
    out["stage_entered_at"] = iso(deal.stage_entered_at)
    out["days_in_stage"] = (now - deal.stage_entered_at).days
    return out
