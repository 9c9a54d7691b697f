"""`make bench`, scale section (issue 18): costs as a brokerage grows, counted — never timed.

1. Each report's requests and items read for N = 10, 500 and 5,000 open deals (20 open items each: 100,000
   at 5,000), in-process against the emulator, volume written in bulk (devstack/volume.py).
2. A task write's items read on a deal with 300 tasks and 150 document requests.
3. The sweep's items read per due item, 100 due items each on its own deal.
4. An export's peak memory (tracemalloc, in a child process) for 20,000 and 200,000 events, against an
   emulator running in this process — so the child's figure is the export's own, not the emulator's copy
   of the file. The events sit in one deal's partition: the emulator answers a GSI Query by walking the
   whole table, which would take hours at 200,000 events; the export code is the same for an org.
Run alone: `python -m scripts.bench_scale`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEALS = (10, 500, 5000)
EXPORT_EVENTS = (20_000, 200_000)
ADMIN = "ada.admin@harbormain.example"
AGENT = "alex.agent@harbormain.example"
REPORTS = ("overdue-tasks", "missing-documents", "time-in-stage", "activation")


def _counted(calls: Any) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(calls.by_operation().items()))


def reads_at_scale(signer: Any) -> list[tuple[str, ...]]:
    from moto import mock_aws

    from devstack import moto_patches

    moto_patches.apply()
    rows: list[tuple[str, ...]] = []
    with mock_aws():
        from chalice.test import Client

        from app import app
        from chalicelib import clock
        from chalicelib.config import settings
        from devstack import resources, volume
        from devstack.metering import DynamoCalls
        from devstack.seed import seed_demo

        resources.create_all(settings())
        demo = seed_demo()
        org = demo.orgs["Harbor & Main Realty"]
        template = demo.deals["park_purchase"].deal_id
        now = clock.now()
        with Client(app, stage_name="local") as client:

            def call(method: str, path: str, email: str, body: str = "", **headers: str) -> Any:
                sent = {"Authorization": f"Bearer {signer.mint(email)}", "Content-Type": "application/json"}
                return client.http.request(method, path, headers={**sent, **headers}, body=body.encode())

            rows.append(_sweep(template, org, now))
            grown = 0
            for n in DEALS:
                made = volume.copy_deals(template, n - grown)
                volume.add_open_work(made, org, "purchase", now, volume.OpenWork(tasks=12, requests=8))
                volume.add_stage_exits(made, org, "purchase", "intake", now)
                volume.add_invitations(made, org, "purchase", now)
                grown = n
                for name in REPORTS:
                    with DynamoCalls() as calls:
                        reply = call("GET", f"/v1/admin/reports/{name}?limit=100", ADMIN)
                    assert reply.status_code == 200, reply.body
                    scenario = f"{name} (one page of 100)" if "-" in name and "stage" not in name else name
                    rows.append(("report", scenario, f"{n:,}", _counted(calls), str(calls.items_read)))

            deal = template
            volume.add_open_work([deal], org, "purchase", now, volume.OpenWork(300, 150, 0.0))
            task = call("GET", f"/v1/deals/{deal}/tasks?status=open&limit=1", AGENT).json_body["items"][0]
            body = json.dumps({"due_at": clock.iso(now + timedelta(days=40))})
            version = {"If-Match": str(task["version"])}
            with DynamoCalls() as calls:
                reply = call("PATCH", f"/v1/deals/{deal}/tasks/{task['id']}", AGENT, body, **version)
            assert reply.status_code == 200, reply.body
            scenario = "PATCH one task of a deal with 300+ tasks and 150+ requests"
            rows.append(("write", scenario, "", _counted(calls), str(calls.items_read)))
    return rows


def _sweep(template: str, org: str, now: Any) -> tuple[str, ...]:
    """100 more due tasks, each on a deal of its own: the sweep reads what is due, and no deal."""
    from chalicelib.services import reminders
    from chalicelib.store import reminders as reminder_store
    from devstack import volume
    from devstack.metering import DynamoCalls

    made = volume.copy_deals(template, 100)
    due_in = volume.OpenWork(tasks=1, requests=0, overdue_share=1.0)
    volume.add_open_work(made, org, "purchase", now + timedelta(days=2), due_in)  # due in a day
    due = len(list(reminder_store.due_items(now)))
    with DynamoCalls() as calls:
        reminders.sweep(now)
    per = calls.items_read / due
    return (
        "sweep",
        f"{due} due items, 100 of them on deals of their own",
        "",
        _counted(calls),
        f"{calls.items_read} ({per:.2f} per due item)",
    )


def export_memory(events: int) -> dict[str, Any]:
    """Run one org export in a child process against this process's emulator; the child's peak."""
    from devstack.emulator import Emulator

    port = int(os.environ.get("THRESHOLD_EMULATOR_PORT", "4670"))
    emulator = Emulator("127.0.0.1", port)
    emulator.start()
    try:
        env = {**os.environ, "AWS_ENDPOINT_URL": emulator.endpoint}
        out = subprocess.run(
            [sys.executable, "-m", "scripts.bench_scale", "--export-child", str(events)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(f"the export child failed:\n{out.stderr[-3000:]}")
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        emulator.stop(timeout=10)


def _export_child(events: int) -> None:
    import tracemalloc

    from chalicelib import clock
    from chalicelib.config import settings
    from chalicelib.domain import exports as rules
    from chalicelib.domain.entities import Actor
    from chalicelib.services import exports as export_service
    from chalicelib.store.table import connection
    from devstack import resources, volume

    # the emulator, not AWS: one Query of 1,000 events can take seconds on a busy machine
    connection().connection._read_timeout_seconds = 300
    resources.create_all(settings())
    org, deal = "o_bench", "dl_bench"
    volume.add_org_events(org, events, clock.now(), summary_bytes=300, deal_id=deal)
    span = rules.deal_range(None, None, clock.now().date())
    tracemalloc.start()
    job = export_service.start(Actor("u_bench", "Bench"), org, _deal(org, deal), "jsonl", span)
    done = export_service.run_to_end(job, 3600)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"events": done.count, "bytes": done.bytes, "parts": done.parts, "peak": peak}))


def _deal(org_id: str, deal_id: str) -> Any:
    """The export needs the deal's ids only (its events are what is read)."""
    from types import SimpleNamespace

    return SimpleNamespace(org_id=org_id, deal_id=deal_id)


def main() -> None:
    from scripts.bench import _signer

    print("Scale (issue 18): counted, not timed")
    print("| what | scenario | open deals | requests | items read |")
    print("|---|---|---|---|---|")
    for row in reads_at_scale(_signer()):
        print("| " + " | ".join(row) + " |")
    print()
    print("Export (JSON Lines), peak memory of the exporting process (tracemalloc; the emulator runs apart)")
    print("| events | file MB | parts | peak MiB |")
    print("|---|---|---|---|")
    for events in EXPORT_EVENTS:
        found = export_memory(events)
        size, peak = found["bytes"] / 1e6, found["peak"] / 2**20
        print(f"| {found['events']:,} | {size:.1f} | {found['parts']} | {peak:.1f} |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--export-child":
        _export_child(int(sys.argv[2]))
    else:
        main()
