"""`make bench`'s request-budget section runs from a fresh interpreter, as `make bench` starts it: its own
emulator, every resource local mode has (the Cognito pool the demo's API client is created in included),
the demo data, then one row per route. (Nothing in the suite ran it, and it had stopped at the seed.)"""

from __future__ import annotations

import json
import subprocess
import sys

from devstack.environment import ROOT

PROBE = """
import json
from scripts import bench
bench.bench_environment()
print(json.dumps([[name, counted] for name, _, counted, _ in bench.budgets()]))
"""


def test_the_bench_counts_every_routes_requests_from_a_fresh_interpreter():
    ran = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    rows = dict(json.loads(ran.stdout.strip().splitlines()[-1]))
    assert len(rows) >= 14
    assert rows["GET /v1/deals/{id} (client)"] == "2 Query"
    assert "TransactWriteItems" in rows["PATCH /v1/deals/{id}"]
