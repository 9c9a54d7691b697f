"""Who someone is: staff roles per org, party roles per deal, and record visibility."""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    AGENT = "agent"


class PartyRole(StrEnum):
    CLIENT = "client"
    CO_CLIENT = "co_client"
    AGENT = "agent"
    COORDINATOR = "coordinator"
    VENDOR = "vendor"
    LENDER = "lender"
    TITLE = "title"
    ATTORNEY = "attorney"


class PartyStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    REVOKED = "revoked"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class UserStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class Visibility(StrEnum):
    INTERNAL = "internal"
    PARTIES = "parties"
    RESTRICTED = "restricted"


class Capacity(StrEnum):
    """What a caller is on one deal, derived from staff role and party role (domain/access.py)."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    AGENT = "agent"
    CLIENT = "client"
    VENDOR = "vendor"
    PARTNER = "partner"  # lender, title, attorney, or an agent/coordinator from outside the org


DEAL_TEAM = frozenset({Capacity.ADMIN, Capacity.COORDINATOR, Capacity.AGENT})
OPS = frozenset({Capacity.ADMIN, Capacity.COORDINATOR})
