"""Inbound leads from a CRM (docs/CRM_IN.md): an org's signing secrets and their rotation, and where a
lead came from. Pure rules: no I/O, testable without the emulator.

A sender (Follow Up Boss, kvCORE, a Zapier zap) signs each delivery with the org's secret as Standard
Webhooks define it. Rotating keeps the previous secret verifying for an overlap window, so the sender can
switch without losing a delivery; after the window only the current secret verifies."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.domain.roles import StaffRole

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32  # 256 bits: the HMAC-SHA256 key
DEFAULT_OVERLAP = timedelta(hours=24)
MAX_OVERLAP_HOURS = 168


@dataclass(frozen=True)
class LeadOrigin:
    """Where a lead came from: the public form (`intake`) or a signed CRM delivery (`crm`, with the
    sender's name when it gave one). A CRM lead gets no welcome email: the person wrote to the sender's
    system, which already answered them (docs/CRM_IN.md)."""

    source: str = "intake"
    source_name: str | None = None
    external_id: str | None = None

    @property
    def welcomes(self) -> bool:
        return self.source == "intake"

    @property
    def label(self) -> str:
        if self.source == "intake":
            return "intake"
        return self.source_name or "a CRM"


FORM = LeadOrigin()


@dataclass(frozen=True)
class InboundLeads:
    """An org's inbound-lead settings. `secret` is None while inbound is disabled."""

    org_id: str
    updated_at: datetime
    secret: str | None = None
    secret_created_at: datetime | None = None
    previous_secret: str | None = None
    previous_expires_at: datetime | None = None
    version: int = 1

    @property
    def enabled(self) -> bool:
        return self.secret is not None

    def verifying_secrets(self, now: datetime) -> list[str]:
        """The secrets a delivery may be signed with at `now`: the current one, and the previous one
        until its overlap window ends."""
        found = [self.secret] if self.secret else []
        if self.previous_secret and self.previous_expires_at and now < self.previous_expires_at:
            found.append(self.previous_secret)
        return found


def may(role: StaffRole, *, change: bool) -> bool:
    """Admins create, rotate and disable the secret; coordinators read the settings (never the secret)."""
    return role is StaffRole.ADMIN or (role is StaffRole.COORDINATOR and not change)


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def rotated(
    current: InboundLeads | None, org_id: str, secret: str, now: datetime, overlap: timedelta
) -> InboundLeads:
    """The settings after creating or rotating the secret. The replaced secret keeps verifying for
    `overlap` (none when zero: a leaked secret dies at once); a secret replaced earlier is forgotten."""
    if current is None:
        return InboundLeads(org_id, now, secret=secret, secret_created_at=now)
    keep = current.secret if current.secret and overlap > timedelta(0) else None
    return replace(
        current,
        updated_at=now,
        secret=secret,
        secret_created_at=now,
        previous_secret=keep,
        previous_expires_at=now + overlap if keep else None,
        version=current.version + 1,
    )


def disabled(current: InboundLeads, now: datetime) -> InboundLeads:
    """No secret verifies any more: every delivery is refused until a new secret is created."""
    return replace(
        current,
        updated_at=now,
        secret=None,
        secret_created_at=None,
        previous_secret=None,
        previous_expires_at=None,
        version=current.version + 1,
    )


def receiver_path(slug: str) -> str:
    return f"/v1/orgs/{slug}/leads/inbound"
