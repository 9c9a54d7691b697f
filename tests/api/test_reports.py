"""Reports match figures computed by hand on seeded data."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from chalicelib import clock, ids
from chalicelib.domain.entities import SYSTEM, DocumentRequest
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.services.activity import org_event
from chalicelib.store import deals as deal_store
from chalicelib.store import reports as report_store
from chalicelib.store.models import DocumentRequestItem, StageDwellItem
from chalicelib.store.unit_of_work import UnitOfWork
from tests.support.demo import ADMIN, RIVAL_ADMIN
from tests.support.mailbox import Mailbox
from tests.support.records import add_task, deal_copies

COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
RIVAL_COORDINATOR = "rory.coord@rivalrealty.example"
HOUR, DAY = 3600, 86_400


def _exits(deal_key: str, seeded, stage: str, durations: list[int]) -> None:
    deal, _ = deal_store.load_header(seeded.deals[deal_key].deal_id)
    assert deal is not None
    uow = UnitOfWork()
    for n, seconds in enumerate(durations):
        entered = clock.now() - timedelta(days=60, seconds=n)
        before = dataclasses.replace(deal, stage=stage, stage_entered_at=entered)
        report_store.record_stage_exit(uow, before, entered + timedelta(seconds=seconds))
    uow.record(org_event(deal.org_id, SYSTEM, EventType.ORG_CREATED, "test exits"))
    uow.commit()


def _report(api, name: str, as_user: str = COORDINATOR, query: str = ""):
    return api.get(f"/v1/admin/reports/{name}{query}", as_user=as_user)


def _forget_stage_exits(org_id: str) -> None:
    for dwell in report_store.stage_exits(org_id):
        StageDwellItem.from_entity(dwell).delete()


def test_time_in_stage_gives_median_and_p90_per_workflow_and_stage(seeded, api):
    # Given an org whose only stage exits are these (the demo's own walk up the ladders is forgotten)
    _forget_stage_exits(seeded.orgs["Harbor & Main Realty"])
    _exits("park_purchase", seeded, "intake", [1 * DAY, 2 * DAY, 3 * DAY, 10 * DAY])
    _exits("quick_purchase", seeded, "pre_approval", [h * HOUR for h in (5, 1, 4, 2, 3)])
    _exits("harbor_listing", seeded, "intake", [7 * DAY])
    _exits("rival_purchase", seeded, "intake", [99 * DAY])  # another org: never in Harbor's figures

    reply = _report(api, "time-in-stage")
    assert reply.status == 200
    rows = {(r["workflow"], r["stage"]): r for r in reply.json["rows"]}
    assert list(rows) == [("listing", "intake"), ("purchase", "intake"), ("purchase", "pre_approval")]
    intake = rows[("purchase", "intake")]
    # 1, 2, 3, 10 days: median (2 + 3) / 2 = 2.5 days; p90 by nearest rank = the 4th of 4 = 10 days
    assert (intake["exits"], intake["median_seconds"], intake["p90_seconds"]) == (4, 2.5 * DAY, 10 * DAY)
    assert (intake["median_days"], intake["p90_days"]) == (2.5, 10.0)
    # 1..5 hours: median 3 h; p90 = the ceil(4.5) = 5th = 5 h
    pre = rows[("purchase", "pre_approval")]
    assert (pre["median_seconds"], pre["p90_seconds"], pre["stage_label"]) == (
        3 * HOUR,
        5 * HOUR,
        "Pre-approval",
    )

    only = _report(api, "time-in-stage", query="?workflow=listing").json["rows"]
    assert [(r["stage"], r["exits"], r["median_seconds"]) for r in only] == [("intake", 1, 7 * DAY)]


def _every_item(api, name: str, as_user: str = COORDINATOR, query: str = "") -> list[dict]:
    """Every page of a paged report, in order."""
    items: list[dict] = []
    cursor = ""
    while True:
        sep = "&" if query else "?"
        reply = _report(api, name, as_user, f"{query}{sep}limit=100{cursor}")
        assert reply.status == 200, reply.json
        items += reply.json["items"]
        if reply.json["next_cursor"] is None:
            return items
        cursor = f"&cursor={reply.json['next_cursor']}"


def _check_against_workspaces(api, items: list[dict], key: str, ok) -> None:
    """Every item of a report is what the deal's own workspace says it is."""
    for item in items:
        ws = api.get(f"/v1/deals/{item['deal_id']}", as_user=ADMIN).json
        assert not ws["terminal"]
        records = {r["id"]: r for r in ws[key]}
        assert ok(records[item["task_id" if key == "tasks" else "request_id"]]), item


def test_overdue_tasks_lists_open_tasks_past_due_on_open_deals_most_overdue_first(seeded, api):
    now = clock.now()
    seeded_items = _every_item(api, "overdue-tasks")  # the templates' tasks already past due
    _check_against_workspaces(
        api, seeded_items, "tasks", lambda t: t["status"] == "open" and t["due_at"] < clock.iso(now)
    )
    park, lease = seeded.deals["park_purchase"].deal_id, seeded.deals["main_lease"].deal_id
    late = add_task(park, None, title="Order inspection", due_at=now - timedelta(days=30, hours=1))
    later = add_task(lease, None, title="Renewal letter", due_at=now - timedelta(hours=2), stage="active")
    add_task(park, None, title="Not yet due", due_at=now + timedelta(days=1))
    add_task(park, None, title="Done late", due_at=now - timedelta(days=5), status="done")
    add_task(park, None, title="No due date")
    add_task(seeded.deals["rival_purchase"].deal_id, None, title="Rival's", due_at=now - timedelta(days=9))

    items = _every_item(api, "overdue-tasks")
    assert len(items) == len(seeded_items) + 2
    known = {i["task_id"] for i in seeded_items}
    new = [(i["task_id"], i["days_overdue"]) for i in items if i["task_id"] not in known]
    assert new == [(late.task_id, 30), (later.task_id, 0)]  # most overdue first
    by_id = {i["task_id"]: i for i in items}
    assert by_id[late.task_id]["deal_title"] == "Reyes purchase — 14 Elm St"
    assert by_id[later.task_id]["owner_role"] == "agent" and by_id[later.task_id]["stage"] == "active"
    due = [i["due_at"] for i in items]
    assert due == sorted(due)
    lease_only = _every_item(api, "overdue-tasks", query="?workflow=lease")
    assert later.task_id in {i["task_id"] for i in lease_only} and {i["workflow"] for i in lease_only} == {
        "lease"
    }


def _request(
    deal_id: str, label: str, *, status: str = "requested", required: bool = True, stage: str | None
) -> str:
    request = DocumentRequest(
        deal_id,
        ids.new_id("rq"),
        "other",
        label,
        status,
        Visibility.PARTIES,
        clock.now(),
        required=required,
        stage=stage,
        **deal_copies(deal_id),
    )
    DocumentRequestItem.from_entity(request).save()
    return request.request_id


def test_missing_documents_lists_required_requests_still_waiting_in_reached_stages(seeded, api):
    park = seeded.deals["park_purchase"].deal_id  # in due_diligence
    seeded_items = _every_item(api, "missing-documents", as_user=ADMIN)
    _check_against_workspaces(
        api,
        seeded_items,
        "document_requests",
        lambda r: r["required"] and r["status"] in ("requested", "rejected"),
    )
    waiting = _request(park, "Pre-approval letter", stage="pre_approval")
    rejected = _request(park, "Inspection report", status="rejected", stage=None)
    _request(park, "Approved already", status="approved", stage="pre_approval")
    _request(park, "Submitted, in review", status="submitted", stage="due_diligence")
    _request(park, "Optional", required=False, stage="intake")
    _request(park, "Closing disclosure", stage="closing")  # a stage not reached yet

    items = _every_item(api, "missing-documents", as_user=ADMIN)
    assert len(items) == len(seeded_items) + 2
    known = {i["request_id"] for i in seeded_items}
    assert {i["request_id"] for i in items} - known == {waiting, rejected}
    due = [(i["due_at"] is None, i["due_at"] or "") for i in items]
    assert due == sorted(due)  # soonest due first, undated last


def test_activation_funnel_from_invited_to_first_upload(seeded, api):
    mailbox = Mailbox()
    harbor_parties = sum(len(d.parties) for d in seeded.deals.values() if d.org == "Harbor & Main Realty")
    assert harbor_parties == 11  # seeded as invited, accepted and visited

    park = seeded.deals["park_purchase"].deal_id
    for email in ("pending@example.com", "visitor@example.com", "uploader@example.com"):
        api.post(f"/v1/deals/{park}/parties", {"email": email, "role": "attorney"}, as_user=AGENT)
    for email in ("visitor@example.com", "uploader@example.com"):
        assert (
            api.post(f"/v1/invitations/{mailbox.invitation_token(email)}/accept", as_user=email).status == 200
        )
        assert api.get(f"/v1/deals/{park}", as_user=email).status == 200  # the first visit
    assert api.get(f"/v1/deals/{park}", as_user="uploader@example.com").status == 200  # not a second one
    # the upload pipeline notes a first upload in its own transaction
    _, parties = deal_store.load_header(park)
    uploader = next(p for p in parties if p.email == "uploader@example.com")
    uow = UnitOfWork()
    report_store.note_first_upload(uow, uploader, clock.now())
    uow.record(
        org_event(seeded.orgs["Harbor & Main Realty"], SYSTEM, EventType.ORG_CREATED, "upload stand-in")
    )
    uow.commit()

    reply = _report(api, "activation")
    assert reply.status == 200
    assert reply.json["funnel"] == {"invited": 14, "accepted": 13, "first_visit": 13, "first_upload": 1}
    assert reply.json["drop_off"] == {"not_accepted": 1, "accepted_not_visited": 0, "visited_no_upload": 12}
    assert reply.json["by_role"]["attorney"] == {
        "invited": 4,
        "accepted": 3,
        "first_visit": 3,
        "first_upload": 1,
    }
    assert reply.json["rates"]["accepted"] == round(13 / 14, 3)
    assert reply.json["expired_unaccepted"] == 0

    clock.freeze(clock.now() + timedelta(days=8))
    assert _report(api, "activation").json["expired_unaccepted"] == 1
    clock.freeze(None)
    assert _report(api, "activation", query="?workflow=lease").json["funnel"]["invited"] == 2


def test_reports_are_for_ops_of_the_org(seeded, api):
    harbor = seeded.orgs["Harbor & Main Realty"]
    for name in ("time-in-stage", "overdue-tasks", "missing-documents", "activation"):
        assert _report(api, name, as_user=AGENT).status == 403, name
        assert _report(api, name, as_user=RIVAL_COORDINATOR, query=f"?org_id={harbor}").status == 404, name
        assert _report(api, name, as_user=RIVAL_ADMIN).status == 200, name
    assert _report(api, "revenue").status == 404
    assert _report(api, "time-in-stage", query="?workflow=nope").status == 422
