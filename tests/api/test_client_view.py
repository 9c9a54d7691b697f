"""The deal as a client sees it on a phone: where it stands in plain words, what happens next, who the
next move belongs to, and a timeline — with nothing internal in it."""

from __future__ import annotations

from chalicelib import clock
from chalicelib.domain import workflows

CLIENT = "bianca.buyer@mail.example"
AGENT = "alex.agent@harbormain.example"


def test_a_client_sees_stage_next_step_who_moves_next_and_the_timeline(demo, api):
    deal = demo.deals["park_purchase"].deal_id
    ws = api.get(f"/v1/deals/{deal}", as_user=CLIENT).json
    stage = workflows.latest("purchase").stage("due_diligence")
    assert (ws["stage"], ws["stage_label"], ws["next_step"]) == (
        "due_diligence",
        stage.label,
        stage.next_step,
    )
    me = api.get("/v1/me", as_user=CLIENT).json["id"]
    mine = next(w for w in ws["waiting_on"] if w["user_id"] == me)
    assert mine["role"] == "client" and mine["open_items"] >= 2 and mine["next_due_at"]
    assert [h["summary"] for h in ws["stage_history"]] == [
        "Started at Getting started",
        "Moved from Getting started to Pre-approval",
        "Moved from Pre-approval to Under contract",
        "Moved from Under contract to Inspections",
    ]
    staff = api.get(f"/v1/deals/{deal}", as_user=AGENT).json
    internal_titles = {t["title"] for t in staff["tasks"] if t["visibility"] == "internal"}
    assert internal_titles and not internal_titles & {t["title"] for t in ws["tasks"]}
    for field in ("commission_rate", "risk_flags", "internal_owner_user_id"):
        assert field not in ws
    assert all(
        set(h) == {"from", "from_label", "to", "to_label", "at", "by", "summary"} for h in ws["stage_history"]
    )
    for event in api.get(f"/v1/deals/{deal}/activity?limit=100", as_user=CLIENT).json["items"]:
        assert "internal" not in event["data"] and event["type"] != "note.added"


def test_overdue_and_upcoming_work_is_in_the_demo(demo, api):
    deal = demo.deals["park_purchase"].deal_id
    tasks = api.get(f"/v1/deals/{deal}/tasks?status=open&limit=100", as_user=AGENT).json["items"]
    dues = sorted(t["due_at"] for t in tasks if t["due_at"])
    now = clock.iso(clock.now())
    assert any(d < now for d in dues) and any(d > now for d in dues)  # something overdue, something ahead
