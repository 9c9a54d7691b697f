"""`make runbook` and `make import` against a running local stack, as an ops lead would use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
from pathlib import Path

from tests.integration.test_local_mode import ROOT, free_port, get, start, stop


def _tool(local_dir: Path, emulator_port: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "DOCUMENTS_"))}
    env.update(THRESHOLD_LOCAL_DIR=str(local_dir), THRESHOLD_EMULATOR_PORT=str(emulator_port))
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_runbook_and_an_import_run_against_make_run(tmp_path):
    emulator_port, api_port = free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"
    stack = start(tmp_path, emulator_port, api_port)
    try:
        demo = json.loads((tmp_path / "demo.json").read_text())
        tokens = json.loads((tmp_path / "demo-tokens.json").read_text())
        harbor = demo["orgs"]["Harbor & Main Realty"]
        event = tmp_path / "event.json"
        body = {
            "requested_by": "jane.ops@harbormain.example",
            "email": "avery.agent@harbormain.example",
            "reason": "Left the brokerage",
            "org_id": harbor,
        }
        event.write_text(json.dumps(body))
        dry = _tool(tmp_path, emulator_port, "devstack.runbook", "runbook_deactivate_user", str(event))
        assert dry.returncode == 0, dry.stderr
        assert '"action": "set user status to deactivated"' in dry.stdout
        assert get(f"{api}/v1/me", tokens["avery.agent@harbormain.example"])[0] == 200

        event.write_text(json.dumps({**body, "dry_run": False}))
        real = _tool(tmp_path, emulator_port, "devstack.runbook", "runbook_deactivate_user", str(event))
        assert real.returncode == 0, real.stderr
        try:
            status = get(f"{api}/v1/me", tokens["avery.agent@harbormain.example"])[0]
        except urllib.error.HTTPError as refused:
            status = refused.code
        assert status == 403

        source = tmp_path / "deals.csv"
        source.write_text(
            "external_id,workflow,title,address_line1,city,state,postal_code\n"
            "x-1,purchase,Imported — 1 Local Ln,1 Local Ln,Boston,MA,02118\n"
            "x-2,rocket,Bad workflow,2 Local Ln,Boston,MA,02118\n"
        )
        for expected_created in ("created 1", "created 0"):
            imported = _tool(
                tmp_path,
                emulator_port,
                "scripts.import_deals",
                str(source),
                "--as",
                "cora.coord@harbormain.example",
                "--local",
            )
            assert imported.returncode == 1 and expected_created in imported.stdout, imported.stderr
            assert "2/2" in imported.stderr  # the progress bar
        _, deals = get(f"{api}/v1/deals?limit=100", tokens["cora.coord@harbormain.example"])
        assert [d["title"] for d in deals["items"]].count("Imported — 1 Local Ln") == 1
    finally:
        assert stop(stack) == 0
