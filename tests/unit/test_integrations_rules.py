"""Issue 16's rules, without the emulator: API clients' scopes and principal, calendar tokens, what a feed
holds (read back with vobject), and the feed's rate limiter."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import vobject  # type: ignore[import-untyped]  # no stubs

from chalicelib.api.calendar import FeedLimiter
from chalicelib.domain import calendar_ics
from chalicelib.domain.access import Caller, resolve_access
from chalicelib.domain.api_clients import (
    ApiClient,
    ClientStatus,
    Scope,
    machine_caller,
    scopes_of_token,
)
from chalicelib.domain.calendar_feeds import feed_token, token_from_path, token_hash
from chalicelib.domain.entities import Address, Deal, Party, Task, User
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.roles import PartyRole, PartyStatus, UserStatus, Visibility
from chalicelib.domain.views import Workspace

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _client(scopes: list[str]) -> ApiClient:
    return ApiClient("abc123", "o_1", "CRM", scopes, ClientStatus.ACTIVE, NOW, "u_admin")


def test_a_tokens_scopes_are_only_this_resource_servers_known_ones():
    claim = "threshold/deals:read other/deals:write threshold/deals:delete aws.cognito.signin.user.admin"
    assert scopes_of_token(claim) == {"deals:read"}
    assert scopes_of_token(None) == frozenset()


def test_a_client_has_the_scopes_both_granted_and_in_its_token():
    caller = machine_caller(_client(["deals:read"]), frozenset({"deals:read", "deals:write"}))
    assert caller.scopes == {"deals:read"}
    caller.require_scope(Scope.DEALS_READ)
    with pytest.raises(Forbidden) as refused:
        caller.require_scope(Scope.DEALS_WRITE)
    assert refused.value.code == "insufficient_scope"
    with pytest.raises(Forbidden) as people_only:
        caller.require_scope(None)
    assert people_only.value.code == "not_for_api_clients"
    assert caller.actor.user_id == "client:abc123" and caller.actor.label == "CRM (API client)"


def _deal(org: str = "o_1", stage: str = "under_contract", activity: datetime = NOW) -> Deal:
    return Deal(
        deal_id="dl_1",
        org_id=org,
        workflow="purchase",
        template_version=1,
        title="12 Harbor Lane",
        stage=stage,
        stage_entered_at=NOW,
        property_id="p_1",
        address=Address("12 Harbor Lane", "Boston", "MA", "02110"),
        created_at=NOW,
        created_by="u_a",
        last_activity_at=activity,
        key_dates={"closing": date(2027, 1, 15)},
        version=4,
    )


def test_a_client_reaches_its_orgs_deals_only():
    caller = machine_caller(_client(["deals:read"]), frozenset({"deals:read"}))
    assert resolve_access(caller, _deal("o_1"), []) is not None
    assert resolve_access(caller, _deal("o_2"), []) is None


def test_feed_tokens_are_reproducible_per_nonce_and_only_their_hash_is_looked_up():
    token = feed_token("s" * 40, "u_1", "nonce-a")
    assert token == feed_token("s" * 40, "u_1", "nonce-a") != feed_token("s" * 40, "u_1", "nonce-b")
    assert token != feed_token("t" * 40, "u_1", "nonce-a")  # the server's secret is part of it
    assert token_from_path(token + ".ics") == token and len(token_hash(token)) == 64
    assert token_from_path("../etc.ics") is None and token_from_path("x.ics") is None


def _workspace(deal: Deal, tasks: list[Task], role: PartyRole = PartyRole.CLIENT) -> tuple[Workspace, Caller]:
    user = User("u_me", "me@mail.example", UserStatus.ACTIVE, NOW, name="Me")
    party = Party(deal.deal_id, deal.org_id, "u_me", user.email, role, PartyStatus.ACTIVE, NOW, "u_a")
    return Workspace(deal=deal, parties=[party], tasks=tasks), Caller(user=user)


def _task(
    task_id: str, status: str = "open", visibility: Visibility = Visibility.PARTIES, owner: str = "u_me"
) -> Task:
    return Task(
        deal_id="dl_1",
        task_id=task_id,
        title=f"Task {task_id}",
        stage="under_contract",
        owner_role="client",
        status=status,
        visibility=visibility,
        created_at=NOW,
        owner_user_id=owner,
        due_at=NOW + timedelta(days=3),
        version=2,
    )


def _events(deal: Deal, tasks: list[Task], role: PartyRole = PartyRole.CLIENT) -> dict[str, object]:
    ws, caller = _workspace(deal, tasks, role)
    access = resolve_access(caller, ws.deal, ws.parties)
    assert access is not None
    calendar = vobject.readOne(calendar_ics.build([(ws, access)], NOW).decode())
    return {e.uid.value: e for e in calendar.contents.get("vevent", [])}


def test_the_feed_keeps_open_and_recently_closed_own_tasks_and_nothing_else():
    tasks = [
        _task("tk_open"),
        _task("tk_done", status="done"),
        _task("tk_internal", visibility=Visibility.INTERNAL),
        _task("tk_someone_elses", owner="u_other"),
    ]
    events = _events(_deal(), tasks)
    assert events["task-tk_open@threshold"].status.value == "CONFIRMED"  # type: ignore[attr-defined]
    assert events["task-tk_done@threshold"].status.value == "CANCELLED"  # type: ignore[attr-defined]
    assert "task-tk_internal@threshold" not in events and "task-tk_someone_elses@threshold" not in events
    closing = events["keydate-dl_1-closing@threshold"]
    assert closing.dtstart.value == date(2027, 1, 15) and int(closing.sequence.value) == 4  # type: ignore[attr-defined]


def test_closed_items_leave_the_feed_after_a_quiet_month_and_an_exited_deals_dates_are_cancelled():
    quiet = _deal(stage="cancelled", activity=NOW - timedelta(days=31))
    events = _events(quiet, [_task("tk_done", status="done"), _task("tk_open")])
    assert "task-tk_done@threshold" not in events and "task-tk_open@threshold" in events
    assert events["keydate-dl_1-closing@threshold"].status.value == "CANCELLED"  # type: ignore[attr-defined]


def test_a_vendor_gets_no_key_dates_of_a_purchase():
    assert not [uid for uid in _events(_deal(), [], PartyRole.VENDOR) if uid.startswith("keydate-")]


def test_the_feed_limiter_counts_per_url_within_its_window():
    limiter = FeedLimiter(limit=2, window_seconds=60)
    assert [limiter.allow("a"), limiter.allow("a"), limiter.allow("a"), limiter.allow("b")] == [
        True,
        True,
        False,
        True,
    ]


def test_a_feed_url_never_reaches_the_logs():
    from chalicelib.observability import mask

    token = feed_token("s" * 40, "u_1", "nonce-a")
    line = f"subscribed to https://api.example/v1/calendar/{token}.ics"
    assert token not in mask(line) and "/v1/calendar/***" in mask(line)
