"""The permission policy as pure rules (PRODUCT.md §1), without any I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.access import Action, Caller, can_see, resolve_access
from chalicelib.domain.entities import Address, Deal, Party, StaffMembership, User
from chalicelib.domain.roles import Capacity, PartyRole, PartyStatus, StaffRole, UserStatus, Visibility

NOW = datetime(2026, 11, 22, tzinfo=UTC)
DEAL = Deal(
    "dl_1",
    "o_home",
    "purchase",
    1,
    "T",
    "intake",
    NOW,
    "p_1",
    Address("1 A St", "B", "MA", "02101"),
    NOW,
    "u_x",
    NOW,
)


def caller(user_id: str, *staff: tuple[str, StaffRole]) -> Caller:
    user = User(user_id, f"{user_id}@example.com", UserStatus.ACTIVE, NOW)
    return Caller(
        user, tuple(StaffMembership(org, org, user_id, user.email, role, NOW) for org, role in staff)
    )


def party(user_id: str, role: PartyRole, status: PartyStatus = PartyStatus.ACTIVE) -> Party:
    return Party("dl_1", "o_home", user_id, f"{user_id}@example.com", role, status, NOW, "u_x")


@pytest.mark.parametrize(
    ("who", "parties", "capacity"),
    [
        (caller("u_a", ("o_home", StaffRole.ADMIN)), [], Capacity.ADMIN),
        (caller("u_c", ("o_home", StaffRole.COORDINATOR)), [], Capacity.COORDINATOR),
        (caller("u_g", ("o_home", StaffRole.AGENT)), [party("u_g", PartyRole.AGENT)], Capacity.AGENT),
        (caller("u_g", ("o_home", StaffRole.AGENT)), [], None),
        (caller("u_r", ("o_rival", StaffRole.ADMIN)), [], None),
        (caller("u_r", ("o_rival", StaffRole.AGENT)), [party("u_r", PartyRole.AGENT)], Capacity.PARTNER),
        (caller("u_k"), [party("u_k", PartyRole.CO_CLIENT)], Capacity.CLIENT),
        (caller("u_v"), [party("u_v", PartyRole.VENDOR)], Capacity.VENDOR),
        (caller("u_l"), [party("u_l", PartyRole.LENDER)], Capacity.PARTNER),
        (caller("u_k"), [party("u_k", PartyRole.CLIENT, PartyStatus.INVITED)], None),
        (caller("u_k"), [party("u_k", PartyRole.CLIENT, PartyStatus.REVOKED)], None),
    ],
    ids=[
        "admin",
        "coordinator",
        "agent-on-deal",
        "agent-not-on-deal",
        "other-org-admin",
        "outside-agent",
        "co-client",
        "vendor",
        "lender",
        "invited-not-accepted",
        "revoked",
    ],
)
def test_who_reaches_a_deal_and_as_what(who, parties, capacity):
    access = resolve_access(who, DEAL, parties)
    assert (access.capacity if access else None) == capacity


def test_only_ops_override_and_review():
    team = {
        c: resolve_access(
            caller("u_x", ("o_home", StaffRole(c.value))), DEAL, [party("u_x", PartyRole.AGENT)]
        )
        for c in (Capacity.ADMIN, Capacity.COORDINATOR, Capacity.AGENT)
    }
    agent, coordinator = team[Capacity.AGENT], team[Capacity.COORDINATOR]
    assert agent is not None and coordinator is not None
    assert not agent.allows(Action.OVERRIDE_STAGE) and not agent.allows(Action.REVIEW_DOCUMENT)
    assert coordinator.allows(Action.OVERRIDE_STAGE) and coordinator.allows(Action.REVIEW_DOCUMENT)


def test_record_visibility():
    client = resolve_access(caller("u_k"), DEAL, [party("u_k", PartyRole.CLIENT)])
    vendor = resolve_access(caller("u_v"), DEAL, [party("u_v", PartyRole.VENDOR)])
    assert client is not None and vendor is not None
    assert can_see(client, Visibility.PARTIES)
    assert not can_see(client, Visibility.INTERNAL, ["u_k"])
    assert not can_see(client, Visibility.RESTRICTED, ["u_other"])
    assert can_see(client, Visibility.RESTRICTED, ["u_k"])
    assert not can_see(vendor, Visibility.PARTIES)  # a vendor sees its own work only
    assert can_see(vendor, Visibility.PARTIES, owner_user_id="u_v")
