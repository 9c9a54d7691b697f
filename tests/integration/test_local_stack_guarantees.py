"""`make run` keeps DynamoDB's guarantees under concurrent requests, passes `make smoke`, and never leaves a
process behind: one stack (on spare ports) serves the concurrency checks and the smoke test."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from devstack.environment import ROOT
from devstack.localauth import LocalSigner
from scripts.local_load import port_free
from scripts.smoke_targets import LocalTarget
from tests.support.local_stack import LocalStack, start_local_stack

COORDINATOR = "cora.coord@harbormain.example"
PARALLEL = 30


class Stack:
    def __init__(self, local_dir: Path, emulator_port: int, api_port: int) -> None:
        self.local_dir, self.emulator_port, self.api_port = local_dir, emulator_port, api_port
        self.api = f"http://127.0.0.1:{api_port}"
        self.signer = LocalSigner(local_dir / "auth")
        self.demo = json.loads((local_dir / "demo.json").read_text())

    def call(self, method: str, path: str, as_user: str, body: Any = None, **headers: str) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"{self.api}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Authorization": f"Bearer {self.signer.mint(as_user)}",
                "Content-Type": "application/json",
                **headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as refused:
            return refused.code, json.load(refused)

    def activity(self, deal: str) -> list[str]:
        return [
            e["type"]
            for e in self.call("GET", f"/v1/deals/{deal}/activity?limit=100", COORDINATOR)[1]["items"]
        ]

    def deal(self, key: str) -> str:
        return str(self.demo["deals"][key]["id"])


@pytest.fixture
def stack(local_stack: LocalStack) -> Stack:
    """The session's shared `make run` (tests/support/local_stack.py)."""
    return Stack(local_stack.directory, local_stack.emulator_port, local_stack.api_port)


def in_parallel(action: Any) -> list[Any]:
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(lambda _: action(), range(PARALLEL)))


def test_thirty_parallel_patches_with_one_if_match_make_one_change(stack):
    deal = stack.deal("park_purchase")
    before = stack.call("GET", f"/v1/deals/{deal}", COORDINATOR)[1]
    updates_before = stack.activity(deal).count("deal.updated")
    titles = iter(range(PARALLEL))

    statuses = in_parallel(
        lambda: stack.call(
            "PATCH",
            f"/v1/deals/{deal}",
            COORDINATOR,
            {"title": f"Renamed {next(titles)}"},
            **{"If-Match": f'"{before["version"]}"'},
        )[0]
    )

    assert Counter(statuses) == {200: 1, 412: PARALLEL - 1}
    after = stack.call("GET", f"/v1/deals/{deal}", COORDINATOR)[1]
    assert after["version"] == before["version"] + 1
    assert stack.activity(deal).count("deal.updated") == updates_before + 1
    # the stack is shared (tests/support/local_stack.py): put the demo deal's title back
    restored = stack.call(
        "PATCH",
        f"/v1/deals/{deal}",
        COORDINATOR,
        {"title": before["title"]},
        **{"If-Match": f'"{after["version"]}"'},
    )
    assert restored[0] == 200


def test_thirty_parallel_posts_with_one_idempotency_key_post_once(stack):
    deal = stack.deal("park_purchase")
    body = {"body": "Final walk-through on Thursday"}

    replies = in_parallel(
        lambda: stack.call(
            "POST", f"/v1/deals/{deal}/messages", COORDINATOR, body, **{"Idempotency-Key": "walk-1"}
        )
    )

    statuses = Counter(status for status, _ in replies)
    assert set(statuses) <= {201, 409} and statuses[201] >= 1
    assert len({r["id"] for status, r in replies if status == 201}) == 1  # every 201 is the same message
    assert all(r["error"]["code"] == "idempotency_in_progress" for status, r in replies if status == 409)
    messages = stack.call("GET", f"/v1/deals/{deal}/messages?limit=100", COORDINATOR)[1]["items"]
    assert [m["body"] for m in messages].count(body["body"]) == 1


def test_thirty_parallel_accepts_of_one_invitation_join_once(stack):
    deal = stack.deal("park_purchase")
    invitee = "parallel.invitee@client.example"
    accepted_before = stack.activity(deal).count("party.accepted")
    status, _ = stack.call(
        "POST", f"/v1/deals/{deal}/parties", COORDINATOR, {"email": invitee, "role": "co_client"}
    )
    assert status == 201
    mailbox = LocalTarget(stack.api, f"http://127.0.0.1:{stack.emulator_port}")
    token = None
    for _ in range(30):
        token = mailbox.invitation_token(invitee)
        if token:
            break
        time.sleep(1)
    assert token is not None

    statuses = in_parallel(lambda: stack.call("POST", f"/v1/invitations/{token}/accept", invitee)[0])

    assert statuses.count(200) == 1 and all(s in (200, 404, 409, 410) for s in statuses), Counter(statuses)
    assert stack.activity(deal).count("party.accepted") == accepted_before + 1


def test_make_smoke_passes_against_make_run(stack):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "DOCUMENTS_"))}
    env.update(
        THRESHOLD_LOCAL_DIR=str(stack.local_dir),
        THRESHOLD_EMULATOR_PORT=str(stack.emulator_port),
        THRESHOLD_API_PORT=str(stack.api_port),
    )
    ran = subprocess.run(
        [sys.executable, "-m", "scripts.smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.count("PASS") == 9 and "smoke test passed" in ran.stdout


# -- no process left behind ------------------------------------------------------------------------------


def child_pids(parent: int) -> list[int]:
    listed = subprocess.run(
        [shutil.which("ps") or "/bin/ps", "-A", "-o", "pid=,ppid="], capture_output=True, text=True
    ).stdout.split("\n")
    return [int(pid) for pid, ppid in (row.split() for row in listed if row.strip()) if int(ppid) == parent]


def wait_until(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_when_the_api_dies_the_whole_stack_stops_and_says_why(tmp_path):
    own = start_local_stack(tmp_path, seeded=False)  # its own stack, with no demo data: this test kills it
    assert own.process is not None and own.tokens() == {}  # `make run DEMO=0`: nobody seeded
    process = own.process
    try:
        [api] = child_pids(process.pid)
        os.kill(api, signal.SIGKILL)
        assert process.wait(timeout=15) != 0
        assert wait_until(lambda: port_free(own.emulator_port) and port_free(own.api_port), 5)
        said = wait_until(lambda: any("API" in line and "stopped" in line for line in own.output), 15)
        assert said, "".join(own.output)  # the drain thread may trail a loaded machine by seconds
    finally:
        own.stop()


def test_when_make_run_is_killed_the_api_does_not_stay_behind_on_its_port(tmp_path):
    own = start_local_stack(tmp_path, seeded=False)  # its own stack, with no demo data: this test kills it
    assert own.process is not None
    try:
        own.process.kill()  # SIGKILL, as the kernel's out-of-memory killer would: no clean-up runs
        own.process.wait(timeout=10)
        assert wait_until(lambda: port_free(own.api_port), 5), "`chalice local` was orphaned on its port"
    finally:
        own.stop()
