"""Invitations: the invitee accepts; ops resend (a new link, the old one dead) or revoke."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import query_param, route
from chalicelib.clock import iso
from chalicelib.domain.access import Caller
from chalicelib.domain.entities import Invitation
from chalicelib.services import invitations as invitation_service

invitations = Blueprint(__name__)


def invitation_view(invitation: Invitation) -> dict[str, Any]:
    """For ops only (the routes below are admin routes). Never the token: it is not stored."""
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


@route(invitations, "/v1/invitations/{token}/accept", "POST", summary="Accept an invitation (signed in)")
def accept_invitation(caller: Caller, token: str) -> dict[str, Any]:
    accepted = invitation_service.accept(caller, token)
    return {
        "invitation_id": accepted.invitation.invitation_id,
        "deal_id": accepted.party.deal_id,
        "role": accepted.party.role.value,
        "status": accepted.party.status.value,
    }


@route(
    invitations,
    "/v1/admin/invitations/{invitation_id}/resend",
    "POST",
    summary="Send a new invitation link; the old one stops working",
)
def resend_invitation(caller: Caller, invitation_id: str) -> dict[str, Any]:
    return invitation_view(invitation_service.resend(caller, invitation_id))


@route(
    invitations,
    "/v1/admin/invitations/{invitation_id}",
    "DELETE",
    summary="Withdraw a pending invitation (optional ?reason=)",
)
def revoke_invitation(caller: Caller, request: Request, invitation_id: str) -> dict[str, Any]:
    reason = query_param(request, "reason")
    return invitation_view(invitation_service.revoke(caller, invitation_id, reason))
