"""`make run` as a newcomer sees it: the stack comes up, serves health, answers /v1/me for every demo
token, stops cleanly on Ctrl-C, and starts again. (Runs on spare ports beside any stack you have up.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(local_dir: Path, emulator_port: int, api_port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "DOCUMENTS_"))}
    env.update(
        THRESHOLD_LOCAL_DIR=str(local_dir),
        THRESHOLD_EMULATOR_PORT=str(emulator_port),
        THRESHOLD_API_PORT=str(api_port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack.run"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    assert process.stdout is not None
    output = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        output.append(line)
        if "Threshold local mode is up." in line:
            # keep draining its output, so a chatty stack never blocks on a full pipe
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return process
        if not line and process.poll() is not None:
            break
    process.kill()
    pytest.fail("local mode did not come up:\n" + "".join(output[-40:]))


def get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.status, json.load(reply)


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=60)  # generous: CI machines may be busy
    finally:
        if process.poll() is None:
            process.kill()


def test_make_run_serves_every_demo_user_then_stops_and_starts_again(tmp_path):
    emulator_port, api_port = free_port(), free_port()
    api = f"http://127.0.0.1:{api_port}"

    first = start(tmp_path, emulator_port, api_port)
    try:
        assert get(f"{api}/v1/health")[0] == 200
        tokens = json.loads((tmp_path / "demo-tokens.json").read_text())
        assert len(tokens) >= 15
        for email, token in tokens.items():
            status, me = get(f"{api}/v1/me", token)
            assert status == 200 and me["email"] == email
        status, deals = get(f"{api}/v1/deals", tokens["bianca.buyer@mail.example"])
        assert status == 200 and [d["title"] for d in deals["items"]] == ["Reyes purchase — 14 Elm St"]
    finally:
        assert stop(first) == 0

    second = start(tmp_path, emulator_port, api_port)  # the same ports are free again
    try:
        assert get(f"{api}/v1/health")[0] == 200
    finally:
        assert stop(second) == 0
