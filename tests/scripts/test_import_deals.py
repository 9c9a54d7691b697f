"""Bulk import: good and bad rows give the right deals and the right error report — twice."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from scripts.import_deals import import_file, main
from tests.support.mailbox import Mailbox

COORDINATOR = "cora.coord@harbormain.example"
HEADER = (
    "external_id,workflow,title,address_line1,city,state,postal_code,unit,price,"
    "date.offer_accepted,date.closing,party.client.email,party.client.name,party.lender.email"
)
ROWS = [
    'crm-101,purchase,Lee purchase — 5 Oak St,5 Oak St,Boston,MA,02118,,"650,000",2026-11-20,2026-12-20,'
    "lee@mail.example,Lee Park,lena@firstharborbank.example",
    "crm-102,listing,Moss listing — 8 Elm Ct,8 Elm Ct,Newton,MA,02458,,,,,,,",
    "crm-103,yacht,Boat deal,1 Dock Rd,Boston,MA,02110,,,,,,,",  # unknown workflow
    "crm-104,purchase,,2 Pine St,Boston,MA,02118,,,,,,,",  # no title
    "crm-105,purchase,Bad date,3 Pine St,Boston,MA,02118,,,2026-13-45,,,,",  # not a date
    ",purchase,No id,4 Pine St,Boston,MA,02118,,,,,,,",  # no external id
    "crm-101,purchase,Lee purchase again,5 Oak St,Boston,MA,02118,,,,,,,",  # the same external id
    "crm-106,purchase,Bad price,6 Pine St,Boston,MA,02118,,12.5k,,,,,",
]


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "deals.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def _report(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def _org_deals(api) -> dict[str, dict]:
    items = api.get("/v1/deals?limit=100", as_user=COORDINATOR).json["items"]
    return {d["title"]: d for d in items}


EXPECTED_ERRORS = [
    ("4", "crm-103", "unknown_workflow"),
    ("5", "crm-104", "invalid_fields"),
    ("6", "crm-105", "invalid_fields"),
    ("7", "", "external_id_required"),
    ("9", "crm-106", "invalid_price"),
]


def test_good_rows_become_deals_bad_rows_are_reported_and_a_second_run_creates_nothing(
    seeded, api, tmp_path, ddb_calls
):
    mailbox = Mailbox()
    before = set(_org_deals(api))
    source, errors = _csv(tmp_path), tmp_path / "errors.csv"
    progress = io.StringIO()

    ddb_calls.reset()
    first = import_file(source, as_email=COORDINATOR, org_id=None, errors_path=errors, progress_out=progress)
    assert ddb_calls.by_operation()["GetItem"] == 1  # the org, once for the file (not once per row)
    assert len(first.created) == 2 and first.skipped == ["crm-101"]  # the repeated id in the same file
    assert [(r["row"], r["external_id"], r["code"]) for r in _report(errors)] == EXPECTED_ERRORS
    assert "[" + "#" * 30 + "] 8/8" in progress.getvalue()

    deals = _org_deals(api)
    assert set(deals) - before == {"Lee purchase — 5 Oak St", "Moss listing — 8 Elm Ct"}
    lee = api.get(f"/v1/deals/{deals['Lee purchase — 5 Oak St']['id']}", as_user=COORDINATOR).json
    assert lee["external_id"] == "crm-101" and lee["price"] == 650_000
    assert lee["key_dates"].items() >= {"closing": "2026-12-20", "offer_accepted": "2026-11-20"}.items()
    assert {(p["role"], p["status"]) for p in lee["parties"]} >= {
        ("client", "invited"),
        ("lender", "invited"),
    }
    assert mailbox.sent() == []  # invitations wait for ops to send them

    second = import_file(
        source, as_email=COORDINATOR, org_id=None, errors_path=errors, progress_out=io.StringIO()
    )
    assert second.created == [] and sorted(second.skipped) == ["crm-101", "crm-101", "crm-102"]
    assert [(r["row"], r["external_id"], r["code"]) for r in _report(errors)] == EXPECTED_ERRORS
    assert set(_org_deals(api)) - before == {"Lee purchase — 5 Oak St", "Moss listing — 8 Elm Ct"}

    log = api.get("/v1/admin/activity", as_user=COORDINATOR).json["items"]
    imported = [e for e in log if e["type"] == "deals.imported"]
    assert (
        len(imported) == 1
        and imported[0]["data"]["created"] == 2
        and imported[0]["actor"]["label"] == "Cora Diaz"
    )


def test_the_api_refuses_a_second_deal_with_the_same_external_id(seeded, api):
    body = {
        "workflow": "purchase",
        "title": "From the CRM",
        "external_id": "crm-9",
        "property": {
            "address": {"line1": "9 Crm Way", "city": "Boston", "state": "MA", "postal_code": "02118"}
        },
    }
    assert api.post("/v1/deals", body, as_user=COORDINATOR).status == 201
    again = api.post("/v1/deals", {**body, "title": "Twin"}, as_user=COORDINATOR)
    assert again.status == 409 and again.error_code == "external_id_taken"
    # another org may use the same external id
    assert api.post("/v1/deals", body, as_user="rory.coord@rivalrealty.example").status == 201


def test_the_command_line_exits_non_zero_with_failed_rows_and_refuses_non_ops(seeded, tmp_path, capsys):
    source = _csv(tmp_path)
    assert main([str(source), "--as", COORDINATOR]) == 1
    assert "created 2, already imported 1, failed 5" in capsys.readouterr().out
    assert (tmp_path / "deals.errors.csv").exists()
    assert main([str(source), "--as", "alex.agent@harbormain.example"]) == 2
    assert "admin panel" in capsys.readouterr().err
