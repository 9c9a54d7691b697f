"""`make bench`, scale section (issue 18): costs as a brokerage grows, counted — never timed.

1. Each report's requests and items read for N = 10, 500 and 5,000 open deals (20 open items each: 100,000
   at 5,000), in-process against the emulator, volume written in bulk (devstack/volume.py) straight into
   the emulated table (scripts/bench_emulator.py: no SDK round trips; the reads are what is counted). The
   deals are built once and grown from one N to the next.
2. A task write's items read on a deal with 300 tasks and 150 document requests.
3. The sweep's items read per due item, 100 due items each on its own deal.
4. An export's peak memory for 20,000 and 200,000 events, run by the export worker's own code
   (`services/export_worker.advance`, one slice per call, as each queue message runs it) in a child process
   — tracemalloc's peak of Python allocations, and the child's peak RSS (VmHWM) beside it — against an
   emulator running in this process, so the child's figures are the export's own, not the emulator's copy
   of the file. The events are put straight into the emulated table and sit in one deal's partition, whose
   Query the bench's emulator answers from that partition (scripts/bench_emulator.py): moto walks the
   whole table per page, which took hours at 200,000 events. The export code is the same for an org.
Run alone: `python -m scripts.bench_scale` (`--reads-only`, `--export-only`: one part). Each part prints
its wall time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
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
        from scripts.bench_emulator import direct_batch_writes

        resources.create_account(os.environ["AWS_REGION"])
        demo = seed_demo()
        org = demo.orgs["Harbor & Main Realty"]
        template = demo.deals["park_purchase"].deal_id
        now = clock.now()
        direct = direct_batch_writes(settings().region, settings().table_name)
        with direct, Client(app, stage_name="local") as client:

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


def export_memory(counts: tuple[int, ...]) -> Iterator[dict[str, Any]]:
    """Each export in a child process against this process's emulator, its events put straight into it;
    each export's figures as soon as it is done (with `seconds`: writing the events and exporting them)."""
    from chalicelib import clock
    from chalicelib.config import settings
    from devstack import resources
    from devstack.emulator import Emulator
    from scripts.bench_emulator import partition_queries, put_items

    port = int(os.environ.get("THRESHOLD_EMULATOR_PORT", "4670"))
    emulator = Emulator("127.0.0.1", port)
    emulator.start()
    saved = dict(os.environ)
    os.environ["AWS_ENDPOINT_URL"] = emulator.endpoint
    try:
        config = settings()
        resources.create_table(config)
        resources.create_documents_storage(config)  # the bucket and the export queue
        with partition_queries():
            for events in counts:
                started = time.monotonic()
                deal = f"dl_bench{events}"
                put_items(config.region, config.table_name, _events(deal, events, clock.now()))
                out = subprocess.run(
                    [sys.executable, "-m", "scripts.bench_scale", "--export-child", str(events), deal],
                    cwd=ROOT,
                    env=dict(os.environ),
                    capture_output=True,
                    text=True,
                )
                if out.returncode != 0:
                    raise RuntimeError(f"the export child failed:\n{out.stderr[-3000:]}")
                found = dict(json.loads(out.stdout.strip().splitlines()[-1]))
                yield {**found, "seconds": time.monotonic() - started}
    finally:
        os.environ.clear()
        os.environ.update(saved)
        emulator.stop(timeout=10)


def _events(deal_id: str, count: int, now: Any) -> Any:
    """`count` events of ~620 bytes in a deal's log over the last 20 days, as the items the store writes."""
    from chalicelib import ids
    from chalicelib.domain.entities import ActivityEvent
    from chalicelib.domain.events import EventType
    from chalicelib.domain.roles import Visibility
    from chalicelib.store.models import ActivityItem

    filler = "x" * 300
    for n in range(count):
        event = ActivityEvent(
            event_id=ids.new_id("ev"),
            type=EventType.ORG_CREATED,
            at=now - timedelta(seconds=n * 20 * 86_400 // count + 1),
            actor_user_id="volume",
            actor_label="Volume",
            visibility=Visibility.INTERNAL,
            summary=f"Volume event {n} {filler}",
            org_id=ORG,
            deal_id=deal_id,
            data={"n": n},
        )
        yield ActivityItem.from_entity(event).serialize()


ORG = "o_bench"


def _export_child(events: int, deal: str) -> None:
    """The export as the worker runs it: `advance` once per queue message, until the job is ready. The
    messages it queues are not consumed: this loop stands for the queue."""
    import tracemalloc

    from chalicelib import clock
    from chalicelib.domain import exports as rules
    from chalicelib.domain.entities import Actor
    from chalicelib.services import export_worker
    from chalicelib.services import exports as export_service
    from chalicelib.store.export_queue import Work
    from chalicelib.store.table import connection

    # the emulator, not AWS: one Query of 1,000 events can take seconds on a busy machine
    connection().connection._read_timeout_seconds = 300
    span = rules.deal_range(None, None, clock.now().date())
    rss_before = _rss_bytes()
    tracemalloc.start()
    job = export_service.start(Actor("u_bench", "Bench"), ORG, _deal(ORG, deal), "jsonl", span)
    messages = 1
    while export_worker.advance(Work(job.export_id)) == "continues":
        messages += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    done = export_service.view(export_service.resume(job.export_id))
    assert done.ready, done
    max_rss = _peak_rss_bytes()
    found = {"events": done.count, "bytes": done.bytes, "parts": done.parts, "messages": messages}
    print(json.dumps({**found, "peak": peak, "rss_before": rss_before, "max_rss": max_rss}))


def _deal(org_id: str, deal_id: str) -> Any:
    """The export needs the deal's ids only (its events are what is read)."""
    from types import SimpleNamespace

    return SimpleNamespace(org_id=org_id, deal_id=deal_id)


def _peak_rss_bytes() -> int:
    """This process image's peak RSS (VmHWM). Not `ru_maxrss`: Linux carries it over a fork and exec, so
    a child of the bench — which holds the emulator's copy of every event — would report the parent's."""
    with open("/proc/self/status") as status:
        line = next(row for row in status if row.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main(export_only: bool = False, reads_only: bool = False) -> None:
    from scripts.bench import _signer

    if not export_only:
        started = time.monotonic()
        print("Scale (issue 18): counted, not timed")
        print("| what | scenario | open deals | requests | items read |")
        print("|---|---|---|---|---|")
        for row in reads_at_scale(_signer()):
            print("| " + " | ".join(row) + " |")
        print(f"(reads, sweep and write: {time.monotonic() - started:.0f} s)", flush=True)
        print()
    if reads_only:
        return
    started = time.monotonic()
    print("Export (JSON Lines) by the export worker's code: peak memory of the exporting process")
    print(
        "| events | file MB | parts | worker messages | tracemalloc peak MiB | peak RSS MiB (at start) | s |"
    )
    print("|---|---|---|---|---|---|---|")
    for found in export_memory(EXPORT_EVENTS):
        size, peak = found["bytes"] / 1e6, found["peak"] / 2**20
        rss = f"{found['max_rss'] / 2**20:.0f} ({found['rss_before'] / 2**20:.0f})"
        cells = [f"{found['events']:,}", f"{size:.1f}", str(found["parts"]), str(found["messages"])]
        print("| " + " | ".join([*cells, f"{peak:.1f}", rss, f"{found['seconds']:.0f}"]) + " |", flush=True)
    print(f"(exports: {time.monotonic() - started:.0f} s)")


def _standalone_environment() -> None:
    """`python -m scripts.bench_scale` alone: the environment `make bench` sets (scripts/bench.py)."""
    if "THRESHOLD_BENCH_AUTH" in os.environ:
        return
    import tempfile

    from devstack.environment import local_environment
    from devstack.localauth import LocalSigner

    auth_dir = Path(tempfile.mkdtemp(prefix="threshold-bench-"))
    os.environ.update(local_environment(LocalSigner(auth_dir).jwks_url))
    os.environ.update({"THRESHOLD_BENCH_AUTH": str(auth_dir), "POWERTOOLS_LOG_LEVEL": "WARNING"})
    os.environ.pop("AWS_ENDPOINT_URL", None)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--export-child":
        _export_child(int(sys.argv[2]), sys.argv[3])
    else:
        _standalone_environment()
        main(export_only="--export-only" in sys.argv, reads_only="--reads-only" in sys.argv)
