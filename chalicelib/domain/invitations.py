"""Invitation rules: the single-use token, its 7-day validity, and who may accept it. No I/O.

The token is 256 random bits (URL-safe base64, 43 characters). Only its SHA-256 is stored, so a copy of
the table (or the activity log, or a log line) never holds a usable link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from chalicelib.domain.entities import Invitation
from chalicelib.domain.errors import Conflict, Forbidden, NotFound
from chalicelib.domain.roles import InvitationStatus

VALIDITY = timedelta(days=7)
_TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check so a mangled link answers 404 without a database read."""
    return bool(_TOKEN_SHAPE.match(token))


def link(portal_url: str, token: str) -> str:
    return f"{portal_url.rstrip('/')}/invitations/{token}"


def not_found() -> NotFound:
    return NotFound(
        "this invitation link is not valid; it may have been replaced by a newer one",
        code="invitation_not_found",
    )


def used() -> Conflict:
    return Conflict("this invitation was already accepted", code="invitation_already_used")


def revoked() -> Conflict:
    return Conflict("this invitation was withdrawn; ask your agent for a new one", code="invitation_revoked")


def expired() -> Conflict:
    return Conflict(
        "this invitation has expired; ask your agent to send a new one", code="invitation_expired"
    )


def require_open(invitation: Invitation) -> None:
    """Neither accepted nor withdrawn (an expired invitation is still open: ops may resend it)."""
    if invitation.status is InvitationStatus.ACCEPTED:
        raise used()
    if invitation.status is InvitationStatus.REVOKED:
        raise revoked()


def require_pending(invitation: Invitation, now: datetime) -> None:
    require_open(invitation)
    if now >= invitation.valid_until:
        raise expired()


def require_acceptable(invitation: Invitation, user_id: str, email: str, now: datetime) -> None:
    """The invitee alone may accept, once, within the validity window."""
    require_pending(invitation, now)
    if invitation.user_id != user_id or invitation.email != email:
        raise Forbidden(
            "this invitation was sent to another email address; sign in with the address it was sent to",
            code="invitation_email_mismatch",
        )


def email_content(deal_title: str, role: str, url: str, valid_until: datetime) -> tuple[str, str]:
    subject = f"You're invited to follow {deal_title}"
    text = (
        f"You have been invited to follow {deal_title} as {role.replace('_', ' ')}.\n\n"
        f"Open your invitation: {url}\n\n"
        f"The link works once and until {valid_until.strftime('%B %d, %Y %H:%M UTC')}. "
        "If you did not expect this email, you can ignore it."
    )
    return subject, text
