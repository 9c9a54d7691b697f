"""Invitations: the invitee accepts; ops resend (a new link, the old one dead) or revoke."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import query_param, route
from chalicelib.clock import iso
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import Invalid
from chalicelib.lazy import LazyModule
from chalicelib.observability import mask

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
    from chalicelib.domain import admin_views
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")
    admin_views = LazyModule("chalicelib.domain.admin_views")

invitations = Blueprint(__name__)


@route(
    invitations,
    "/v1/invitations/{token}",
    "GET",
    summary="What an invitation is for, before sign-in (no auth: the token is the credential)",
    auth=False,
)
def preview_invitation(token: str) -> acc.InvitationPreview:
    from chalicelib.services import invitations as invitation_service

    found = invitation_service.preview(token)
    return {
        "status": found.state,
        "role": found.invitation.role.value,
        "deal_title": found.deal_title,
        "email_hint": mask(found.invitation.email),
        "valid_until": iso(found.invitation.valid_until),
    }


@route(invitations, "/v1/invitations/{token}/accept", "POST", summary="Accept an invitation (signed in)")
def accept_invitation(caller: Caller, token: str) -> acc.InvitationAccepted:
    from chalicelib.services import invitations as invitation_service

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
def resend_invitation(caller: Caller, invitation_id: str) -> acc.Invitation:
    from chalicelib.services import invitations as invitation_service

    return admin_views.invitation_view(invitation_service.resend(caller, invitation_id))


@route(
    invitations,
    "/v1/admin/invitations/{invitation_id}",
    "DELETE",
    summary="Withdraw a pending invitation (optional ?reason=)",
)
def revoke_invitation(caller: Caller, request: Request, invitation_id: str) -> acc.Invitation:
    from chalicelib.services import invitations as invitation_service

    reason = query_param(request, "reason")
    if reason is not None and not 3 <= len(reason.strip()) <= 1000:
        raise Invalid("reason must be 3 to 1000 characters", code="invalid_reason")
    return admin_views.invitation_view(invitation_service.revoke(caller, invitation_id, reason))
