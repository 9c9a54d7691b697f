"""What the admin panel shows of invitations, managed users and the pipeline. Only admins and coordinators
of the org reach these routes, so there is no per-viewer filtering here (domain/views.py has that)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.clock import iso
from chalicelib.domain import account_responses as out
from chalicelib.domain import responses
from chalicelib.domain.entities import Deal, DealSummary, Invitation, StaffMembership, User
from chalicelib.domain.views import deal_summary_view


def invitation_view(invitation: Invitation) -> out.Invitation:
    """Never the token: it is not stored."""
    view: out.Invitation = {
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
    if invitation.accepted_at is not None:
        view["accepted_at"] = iso(invitation.accepted_at)
    if invitation.revoked_at is not None:
        view["revoked_at"] = iso(invitation.revoked_at)
    return view


def staff_view(membership: StaffMembership) -> out.Staff:
    return {"org_id": membership.org_id, "org_name": membership.org_name, "role": membership.role.value}


def managed_user_view(user: User, staff: tuple[StaffMembership, ...]) -> out.ManagedUser:
    view: out.ManagedUser = {
        "id": user.user_id,
        "email": user.email,
        "name": user.name,
        "status": user.status.value,
        "staff": [staff_view(m) for m in staff],
    }
    if user.status_reason:
        view["status_reason"] = user.status_reason
    return view


def pipeline_item_view(deal: Deal, summary: DealSummary, now: datetime) -> responses.PipelineItem:
    return {
        **deal_summary_view(summary),
        "stage_entered_at": iso(deal.stage_entered_at),
        "days_in_stage": (now - deal.stage_entered_at).days,
    }
