"""The pure rules behind invitations, exports and reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain import exports, invitations, reports
from chalicelib.domain.entities import Invitation
from chalicelib.domain.errors import Conflict, Forbidden, Invalid
from chalicelib.domain.roles import InvitationStatus, PartyRole

NOW = datetime(2026, 4, 10, 12, 0, tzinfo=UTC)


def _invitation(**changes) -> Invitation:
    base = Invitation(
        "inv_x",
        "o_x",
        "dl_x",
        "purchase",
        "u_x",
        "a@b.example",
        PartyRole.CLIENT,
        InvitationStatus.PENDING,
        invitations.token_hash("t"),
        NOW,
        NOW + invitations.VALIDITY,
        "u_agent",
        NOW,
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_tokens_are_unguessable_and_only_their_hash_is_compared():
    tokens = {invitations.new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(invitations.looks_like_token(t) for t in tokens)
    token = tokens.pop()
    assert invitations.token_hash(token) != token and len(invitations.token_hash(token)) == 64
    assert not invitations.looks_like_token("../../etc/passwd")


@pytest.mark.parametrize(
    ("changes", "user", "email", "at", "error", "code"),
    [
        ({}, "u_y", "a@b.example", NOW, Forbidden, "invitation_email_mismatch"),
        ({}, "u_x", "c@d.example", NOW, Forbidden, "invitation_email_mismatch"),
        (
            {"status": InvitationStatus.ACCEPTED},
            "u_x",
            "a@b.example",
            NOW,
            Conflict,
            "invitation_already_used",
        ),
        ({"status": InvitationStatus.REVOKED}, "u_x", "a@b.example", NOW, Conflict, "invitation_revoked"),
        ({}, "u_x", "a@b.example", NOW + timedelta(days=7), Conflict, "invitation_expired"),
    ],
)
def test_who_may_accept_and_when(changes, user, email, at, error, code):
    with pytest.raises(error) as refused:
        invitations.require_acceptable(_invitation(**changes), user, email, at)
    assert refused.value.code == code


def test_the_invitee_may_accept_until_the_last_moment():
    invitations.require_acceptable(
        _invitation(), "u_x", "a@b.example", NOW + invitations.VALIDITY - timedelta(seconds=1)
    )


def test_export_ranges_are_whole_utc_days_and_bounded():
    span = exports.org_range(date(2026, 3, 31), date(2026, 5, 1), NOW.date())
    assert span.months() == ["2026-03", "2026-04", "2026-05"]
    assert span.start == datetime(2026, 3, 31, tzinfo=UTC) and span.end == datetime(2026, 5, 2, tzinfo=UTC)
    assert exports.org_range(None, None, NOW.date()).first == date(2026, 3, 12)  # the last 30 days
    with pytest.raises(Invalid):
        exports.org_range(date(2025, 1, 1), date(2026, 1, 2), NOW.date())
    with pytest.raises(Invalid):
        exports.deal_range(date(2026, 5, 1), date(2026, 4, 1), NOW.date())


def test_percentiles_by_nearest_rank():
    assert reports.nearest_rank([5], 0.9) == 5
    assert reports.nearest_rank(list(range(1, 11)), 0.9) == 9
    assert reports.nearest_rank(list(range(1, 12)), 0.9) == 10
    assert reports.nearest_rank([3, 1, 2], 0.5) == 2


def test_an_invitation_link_in_a_log_line_is_masked():
    from chalicelib.observability import mask

    token = invitations.new_token()
    assert token not in mask(f"GET https://portal.example/invitations/{token} failed")
    assert "/invitations/***" in mask(f"/v1/invitations/{token}/accept")
