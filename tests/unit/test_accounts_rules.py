"""Account and invitee-reminder rules, without the emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import invitee_reminders as reminders
from chalicelib.domain.accounts import (
    Account,
    AccountKind,
    AccountMember,
    AccountMerge,
    AccountStatus,
    MemberRole,
    MergeStatus,
    member_id_for,
    name_key,
    plan_merge,
    require_undoable,
)
from chalicelib.domain.errors import Conflict, Invalid

SENT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_reminders_fall_on_day_2_and_day_5_then_the_coordinator_on_day_6():
    assert reminders.plan(None, SENT, SENT + timedelta(days=1, hours=23)) is None
    day2 = reminders.plan(None, SENT, SENT + timedelta(days=2))
    assert day2 is not None and day2.invitee is reminders.InviteeThreshold.DAY_2 and not day2.tell_coordinator
    assert reminders.plan(day2.reminded, SENT, SENT + timedelta(days=4)) is None
    day5 = reminders.plan(day2.reminded, SENT, SENT + timedelta(days=5))
    assert day5 is not None and day5.invitee is reminders.InviteeThreshold.DAY_5
    day6 = reminders.plan(day5.reminded, SENT, SENT + timedelta(days=6))
    assert day6 is not None and day6.invitee is None and day6.tell_coordinator
    assert reminders.next_reminder_at(day6.reminded, SENT) is None


def test_a_late_sweep_sends_the_latest_reminder_only_and_a_resend_starts_over():
    late = reminders.plan(None, SENT, SENT + timedelta(days=5, hours=1))
    assert late is not None and late.invitee is reminders.InviteeThreshold.DAY_5
    assert reminders.reminders_sent(late.reminded, SENT) == 2
    resent = SENT + timedelta(days=3)
    assert reminders.progress(late.reminded, resent) == 0
    assert reminders.next_reminder_at(late.reminded, resent) == "2026-12-06T15:00:00.000Z"
    assert reminders.next_reminder_at(reminders.marker(reminders.STOPPED, SENT), SENT) is None


def _member(account_id: str, email: str) -> AccountMember:
    return AccountMember(
        account_id, member_id_for(account_id, email), "o_1", email, email, MemberRole.MEMBER, SENT, "u_1"
    )


def _account(account_id: str, *emails: str, status: AccountStatus = AccountStatus.ACTIVE) -> Account:
    account = Account(
        account_id, "o_1", AccountKind.HOUSEHOLD, "The Parkers", SENT, "u_1", SENT, status=status
    )
    account.members = [_member(account_id, e) for e in emails]
    return account


def test_a_merge_adds_only_the_members_the_survivor_lacks():
    plan = plan_merge(
        _account("ac_a", "pat@x.example"),
        _account("ac_b", "pat@x.example", "pam@x.example"),
        "am_1",
        SENT,
        "u_1",
    )
    assert [(m.email, m.account_id, m.merged_from) for m in plan.added] == [("pam@x.example", "ac_a", "am_1")]


def test_merges_refuse_the_same_account_and_merged_ones():
    with pytest.raises(Invalid):
        plan_merge(_account("ac_a"), _account("ac_a"), "am_1", SENT, "u_1")
    with pytest.raises(Conflict):
        plan_merge(_account("ac_a"), _account("ac_b", status=AccountStatus.MERGED), "am_1", SENT, "u_1")


def test_an_undo_is_possible_for_30_days_and_once():
    merge = AccountMerge(
        "am_1", "o_1", "ac_a", "ac_b", MergeStatus.DONE, "dup", SENT, "u_1", SENT + timedelta(days=30)
    )
    require_undoable(merge, SENT + timedelta(days=29))
    with pytest.raises(Conflict):
        require_undoable(merge, SENT + timedelta(days=30))
    merge.status = MergeStatus.UNDONE
    with pytest.raises(Conflict):
        require_undoable(merge, SENT)


def test_names_compare_without_case_accents_or_extra_spaces():
    assert name_key("  Ébène   Capital ") == "ebene capital"
    assert member_id_for("ac_a", "x@y.example") == member_id_for("ac_a", "x@y.example")
    assert member_id_for("ac_a", "x@y.example") != member_id_for("ac_b", "x@y.example")
