"""`make run` under load: its memory over many writes, and how fast Ctrl-C stops it while loaded.

    .venv/bin/python -m scripts.local_load [--writes 2000] [--workers 4]

Starts its own `make run` stack (ports THRESHOLD_EMULATOR_PORT / THRESHOLD_API_PORT, default 4611/8011,
state in a temporary folder), posts `--writes` deal messages from `--workers` parallel clients (each one
TransactWriteItems, with its activity event and the outbox's notifications behind it), and samples the
resident memory of the whole process tree (the stack, the emulator inside it, `chalice local`). Then it
keeps the stack loaded, sends SIGINT, and times the stop and checks that no process holds a port.
Exits non-zero when memory grows more than 300 MB or the stop takes more than 10 s (issue 11).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_BUDGET_MB = 300
STOP_BUDGET_SECONDS = 10.0


def tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and every process below it (ps: Linux and macOS)."""
    rows = subprocess.run(["ps", "-A", "-o", "pid=,ppid=,rss="], capture_output=True, text=True).stdout
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for row in rows.split("\n"):
        if row.strip():
            pid, ppid, kb = (int(v) for v in row.split())
            children.setdefault(ppid, []).append(pid)
            rss[pid] = kb
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total / 1024


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def start_stack(local_dir: Path, emulator_port: int, api_port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "DOCUMENTS_"))}
    env.update(
        THRESHOLD_LOCAL_DIR=str(local_dir),
        THRESHOLD_EMULATOR_PORT=str(emulator_port),
        THRESHOLD_API_PORT=str(api_port),
    )
    stack = subprocess.Popen(
        [sys.executable, "-m", "devstack.run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert stack.stdout is not None
    for line in stack.stdout:
        if "Threshold local mode is up." in line:
            threading.Thread(target=stack.stdout.read, daemon=True).start()  # never block on a full pipe
            return stack
    raise SystemExit(f"local mode did not come up (exit {stack.wait()})")


class Writer:
    """Posts deal messages as the coordinator, round-robin over the demo deals they reach."""

    def __init__(self, api: str, local_dir: Path) -> None:
        tokens = json.loads((local_dir / "demo-tokens.json").read_text())
        demo = json.loads((local_dir / "demo.json").read_text())
        self.api = api
        self.token = tokens["cora.coord@harbormain.example"]
        harbor = demo["orgs"]["Harbor & Main Realty"]
        self.deals = [d["id"] for d in demo["deals"].values() if d["org"] == "Harbor & Main Realty"] or [
            harbor
        ]
        self.statuses: Counter[int | str] = Counter()
        self._counter = itertools.count()
        self._lock = threading.Lock()

    def write(self) -> None:
        n = next(self._counter)
        body = json.dumps({"body": f"load message {n}"}).encode()
        request = urllib.request.Request(  # noqa: S310 (the local stack)
            f"{self.api}/v1/deals/{self.deals[n % len(self.deals)]}/messages",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
                status: int | str = reply.status
        except urllib.error.HTTPError as refused:
            status = refused.code
        except OSError as failed:
            status = type(failed).__name__
        with self._lock:
            self.statuses[status] += 1


def load(
    writer: Writer, writes: int, workers: int, stack: subprocess.Popen[str], every: int
) -> list[tuple[int, float]]:
    samples = [(0, tree_rss_mb(stack.pid))]
    done = itertools.count(1)
    sample_lock = threading.Lock()

    def work(share: int) -> None:
        for _ in range(share):
            writer.write()
            count = next(done)
            if count % every == 0:
                with sample_lock:
                    samples.append((count, tree_rss_mb(stack.pid)))

    shares = [writes // workers + (1 if i < writes % workers else 0) for i in range(workers)]
    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def stop_under_load(
    writer: Writer, stack: subprocess.Popen[str], workers: int, ports: tuple[int, int]
) -> float:
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            writer.write()

    threads = [threading.Thread(target=keep_writing, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    time.sleep(3)  # well into the load
    started = time.monotonic()
    stack.send_signal(signal.SIGINT)
    try:
        stack.wait(timeout=60)
    finally:
        stop.set()
    while not all(port_free(p) for p in ports) and time.monotonic() - started < 60:
        time.sleep(0.1)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    emulator_port = int(os.environ.get("THRESHOLD_EMULATOR_PORT", "4611"))
    api_port = int(os.environ.get("THRESHOLD_API_PORT", "8011"))
    with tempfile.TemporaryDirectory(prefix="threshold-load-") as folder:
        local_dir = Path(folder)
        stack = start_stack(local_dir, emulator_port, api_port)
        try:
            writer = Writer(f"http://127.0.0.1:{api_port}", local_dir)
            started = time.monotonic()
            samples = load(writer, args.writes, args.workers, stack, every=max(1, args.writes // 8))
            elapsed = time.monotonic() - started
            stop_seconds = stop_under_load(writer, stack, args.workers, (emulator_port, api_port))
        finally:
            if stack.poll() is None:
                stack.kill()
    growth = samples[-1][1] - samples[0][1]
    print(f"{'writes':>8} {'RSS of the stack (MB)':>22}")
    for count, mb in samples:
        print(f"{count:>8} {mb:>22.0f}")
    print(
        f"answers: {dict(writer.statuses)}; {args.writes / elapsed:.1f} writes/s with {args.workers} clients"
    )
    print(f"memory growth over {args.writes} writes: {growth:+.0f} MB (budget +{MEMORY_BUDGET_MB} MB)")
    print(
        f"stop under load (SIGINT → every process gone, ports free): {stop_seconds:.1f} s "
        f"(budget {STOP_BUDGET_SECONDS:.0f} s); exit code {stack.returncode}"
    )
    ok = growth <= MEMORY_BUDGET_MB and stop_seconds <= STOP_BUDGET_SECONDS and stack.returncode == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
