"""`make run` finishes an export by itself (exports worker, issue 18): a job queued on the export queue, with
no slice run by anyone, is completed by local mode's export trigger calling `export_worker` — the API is
only read, and a read does no work (the session's shared stack: tests/support/local_stack.py)."""

from __future__ import annotations

import subprocess
import sys
import time

from devstack.environment import local_environment
from tests.support.local_stack import ROOT, LocalStack

ADMIN = "ada.admin@harbormain.example"
QUEUE_A_JOB = """
from chalicelib import clock
from chalicelib.domain import exports as rules
from chalicelib.domain.entities import Actor
from chalicelib.services import exports
from chalicelib.store import export_queue
today = clock.now().date()
job = exports.start(Actor("u_test", "Test"), "{org}", None, "jsonl", rules.org_range(None, None, today))
export_queue.send(export_queue.Work(job.export_id))
print(job.export_id)
"""


def test_make_run_completes_a_queued_export_with_no_one_running_it(local_stack: LocalStack):
    harbor = local_stack.demo()["orgs"]["Harbor & Main Realty"]
    env = {
        **local_stack.environment(),
        **local_environment("file:///unused", endpoint=local_stack.emulator_url),
    }
    queued = subprocess.run(
        [sys.executable, "-c", QUEUE_A_JOB.replace("{org}", harbor)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert queued.returncode == 0, queued.stderr
    export_id = queued.stdout.strip().splitlines()[-1]

    token = local_stack.tokens()[ADMIN]
    deadline = time.monotonic() + 60
    status, export = local_stack.get(f"/v1/admin/exports/{export_id}", token)
    while export.get("status") == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        status, export = local_stack.get(f"/v1/admin/exports/{export_id}", token)

    assert status == 200 and export["status"] == "ready", export
    assert export["count"] > 0 and export["url"]
