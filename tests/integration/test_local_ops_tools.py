"""`make runbook` and `make import` against a running local stack, as an ops lead would use them."""

from __future__ import annotations

import json

from tests.support.local_stack import LocalStack

AVERY = "avery.agent@harbormain.example"


def test_a_runbook_and_an_import_run_against_make_run(local_stack: LocalStack, tmp_path):
    tokens = local_stack.tokens()
    harbor = local_stack.demo()["orgs"]["Harbor & Main Realty"]
    event = tmp_path / "event.json"
    body = {
        "requested_by": "jane.ops@harbormain.example",
        "email": AVERY,
        "reason": "Left the brokerage",
        "org_id": harbor,
    }
    event.write_text(json.dumps(body))
    dry = local_stack.tool("devstack.runbook", "runbook_deactivate_user", str(event))
    assert dry.returncode == 0, dry.stderr
    assert '"action": "set user status to deactivated"' in dry.stdout
    assert local_stack.get("/v1/me", tokens[AVERY])[0] == 200

    event.write_text(json.dumps({**body, "dry_run": False}))
    real = local_stack.tool("devstack.runbook", "runbook_deactivate_user", str(event))
    assert real.returncode == 0, real.stderr
    assert local_stack.get("/v1/me", tokens[AVERY])[0] == 403

    # the stack is shared by the session: Avery comes back, through the runbook that undoes it
    event.write_text(json.dumps({**body, "reason": "Rejoined", "dry_run": False}))
    back = local_stack.tool("devstack.runbook", "runbook_reactivate_user", str(event))
    assert back.returncode == 0, back.stderr
    assert local_stack.get("/v1/me", tokens[AVERY])[0] == 200

    source = tmp_path / "deals.csv"
    source.write_text(
        "external_id,workflow,title,address_line1,city,state,postal_code\n"
        "x-1,purchase,Imported — 1 Local Ln,1 Local Ln,Boston,MA,02118\n"
        "x-2,rocket,Bad workflow,2 Local Ln,Boston,MA,02118\n"
    )
    for expected_created in ("created 1", "created 0"):
        imported = local_stack.tool(
            "scripts.import_deals", str(source), "--as", "cora.coord@harbormain.example", "--local"
        )
        assert imported.returncode == 1 and expected_created in imported.stdout, imported.stderr
        assert "2/2" in imported.stderr  # the progress bar
    _, deals = local_stack.get("/v1/deals?limit=100", tokens["cora.coord@harbormain.example"])
    assert [d["title"] for d in deals["items"]].count("Imported — 1 Local Ln") == 1
