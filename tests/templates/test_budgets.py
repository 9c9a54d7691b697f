"""What org templates cost, counted in DynamoDB requests (never timed): a published version is read at most
once per warm function; existing routes' budgets (tests/api/test_request_budgets.py) are untouched."""

from __future__ import annotations

from chalicelib.domain import workflows
from tests.templates.support import ADMIN, COORDINATOR, MA, NY, clone, open_deal, publish

OPEN_BUILTIN = {"Query": 1, "BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1}


def _published(api) -> str:
    template = clone(api)
    assert publish(api, template["template"]["id"]).status == 201
    return template["template"]["id"]


def test_opening_a_deal_from_an_org_template_reads_its_version_once_per_warm_function(seeded, api, ddb_calls):
    tid = _published(api)
    workflows.ORG_TEMPLATE_CACHE.clear()  # a cold function

    ddb_calls.reset()
    cold = open_deal(api, NY)
    assert cold["template_id"] == tid
    # caller, the listed people, the org (its per-state defaults), the template version, the write
    assert ddb_calls.by_operation() == {**OPEN_BUILTIN, "GetItem": 2}

    ddb_calls.reset()
    open_deal(api, NY)
    assert ddb_calls.by_operation() == OPEN_BUILTIN  # warm: the same as a built-in

    ddb_calls.reset()
    open_deal(api, MA)
    assert ddb_calls.by_operation() == OPEN_BUILTIN  # another state: the built-in, as before

    ddb_calls.reset()
    named = open_deal(api, MA, template_id=tid)  # named without a version: its draft says the latest
    assert named["template_id"] == tid
    assert ddb_calls.by_operation() == {**OPEN_BUILTIN, "GetItem": 2}


def test_reading_a_deal_on_an_org_template_costs_what_a_built_in_deal_costs(seeded, api, ddb_calls):
    _published(api)
    deal = open_deal(api, NY)
    workflows.ORG_TEMPLATE_CACHE.clear()

    ddb_calls.reset()
    assert api.get(f"/v1/deals/{deal['id']}", as_user=ADMIN).status == 200
    assert ddb_calls.by_operation() == {"Query": 2, "GetItem": 1}  # cold: the version, once

    for _ in range(3):
        ddb_calls.reset()
        assert api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).status == 200
        assert ddb_calls.by_operation() == {"Query": 2}  # the workspace budget of every deal


def test_the_template_routes_costs(seeded, api, ddb_calls):
    template = clone(api)
    tid = template["template"]["id"]

    ddb_calls.reset()
    assert api.get("/v1/admin/templates", as_user=COORDINATOR).status == 200
    assert ddb_calls.by_operation() == {"Query": 2}  # caller, the org's templates

    ddb_calls.reset()
    assert publish(api, tid).status == 201
    # caller, the draft, the org (its per-state defaults), one write: version, draft, org, event
    assert ddb_calls.by_operation() == {"Query": 1, "GetItem": 2, "TransactWriteItems": 1}

    deal = open_deal(api, MA)
    ddb_calls.reset()
    path = f"/v1/deals/{deal['id']}/template-migration"
    dry = api.post(path, {"version": 1, "template_id": tid}, as_user=COORDINATOR)
    assert dry.status == 200
    assert ddb_calls.by_operation() == {"Query": 2}  # caller, the workspace (the version is warm)

    ddb_calls.reset()
    moved = api.post(path, {"version": 1, "template_id": tid, "dry_run": False}, as_user=COORDINATOR)
    assert moved.status == 200
    assert ddb_calls.by_operation() == {"Query": 2, "TransactWriteItems": 1}  # one audited write
