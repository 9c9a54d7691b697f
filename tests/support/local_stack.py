"""One `make run` stack for the whole test session, on spare ports beside any stack a developer has up.

Starting local mode costs tens of seconds (the emulator, every resource, the demo data seeded through the
services, `chalice local`), so every test that needs the real thing — a subprocess tool, curl against the
emulator, a browser — shares the session's `local_stack` fixture (tests/conftest.py) instead of starting
its own. The stack is shared: a test that changes demo data it does not own puts it back, or works on data
it created (docs/DEVELOPING.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
UP = "Threshold local mode is up."
START_SECONDS = 180  # generous: the suite runs beside other work on a 2-core machine
STOP_SECONDS = 60
PORT_ATTEMPTS = 3  # a spare port can be taken between our probe and the stack's bind


class StackFailed(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(directory: Path, ports: dict[str, int]) -> dict[str, str]:
    """This process's environment without the test suite's own AWS and table settings (the stack and
    its tools set their own), pointed at the stack's folder and ports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "DOCUMENTS_"))}
    env.update(THRESHOLD_LOCAL_DIR=str(directory), **{k: str(v) for k, v in ports.items()})
    return env


@dataclass
class LocalStack:
    """A running `make run` (`python -m devstack.run`): its URLs, its folder (tokens, demo data)."""

    directory: Path
    emulator_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    portal_port: int = field(default_factory=free_port)
    seeded: bool = True  # False: `make run DEMO=0`, an empty table, up in a few seconds instead of seeding
    process: subprocess.Popen[str] | None = None
    # the last lines, enough to hold what a stopping stack prints after the line that says why (its triggers,
    # the portal and the emulator all report as they stop)
    output: deque[str] = field(default_factory=lambda: deque(maxlen=5000))

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def emulator_url(self) -> str:
        return f"http://127.0.0.1:{self.emulator_port}"

    @property
    def portal_url(self) -> str:
        return f"http://localhost:{self.portal_port}"

    @property
    def tokens_file(self) -> Path:
        return self.directory / "demo-tokens.json"

    def tokens(self) -> dict[str, str]:
        """A bearer token for every demo user, as `make run` wrote them."""
        tokens: dict[str, str] = json.loads(self.tokens_file.read_text())
        return tokens

    def demo(self) -> dict[str, Any]:
        """Orgs, staff and deals (ids, parties) of the demo data, as `make run` wrote them."""
        demo: dict[str, Any] = json.loads((self.directory / "demo.json").read_text())
        return demo

    def environment(self) -> dict[str, str]:
        """The environment a `make` tool (runbook, import, sweep, token) needs to reach this stack."""
        env = _environment(
            self.directory,
            {
                "THRESHOLD_EMULATOR_PORT": self.emulator_port,
                "THRESHOLD_API_PORT": self.api_port,
                "THRESHOLD_PORTAL_PORT": self.portal_port,
            },
        )
        if not self.seeded:
            env["THRESHOLD_DEMO"] = "0"
        return env

    def tool(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run `python -m <args>` against this stack, as the Makefile's tool targets do."""
        return subprocess.run(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def get(self, path: str, token: str | None = None) -> tuple[int, Any]:
        """GET on the API: (status, JSON body), for a refusal too."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = urllib.request.Request(self.api_url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"null")

    def start(self) -> None:
        """Start local mode on this stack's ports and wait for its banner."""
        assert self.process is None or self.process.poll() is not None, "already running"
        self.output.clear()
        with _interruptible_children():
            process = self._spawn()
        assert process.stdout is not None
        self.process = process
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:  # it closed its output: it is exiting
                process.wait(timeout=STOP_SECONDS)
                break
            self.output.append(line)
            if UP in line:
                # keep draining its output (the last lines kept for a failure), so a chatty stack never
                # blocks on a full pipe
                threading.Thread(target=self._drain, args=(process,), daemon=True).start()
                return
        self._end_group(process)
        raise StackFailed("local mode did not come up:\n" + "".join(self.output))

    def _spawn(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "devstack.run"],
            cwd=ROOT,
            env=self.environment(),
            text=True,
            stdin=subprocess.DEVNULL,  # never the test runner's own (an xdist worker's stdin is its channel)
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: whatever it leaves running is ended with it
        )

    def _drain(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.output.append(line)

    def stop(self) -> int:
        """Ctrl-C (SIGINT), as a developer stops it; its exit status (killed after a minute: a failure).
        Anything it started that is still running then is killed, so its ports are free for the next."""
        process = self.process
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            return process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            return -signal.SIGKILL
        finally:
            self._end_group(process)
            self.process = None

    @staticmethod
    def _end_group(process: subprocess.Popen[str]) -> None:
        with contextlib.suppress(ProcessLookupError):  # else the whole group has exited
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def restart(self) -> int:
        """Stop (its exit status is returned) and start again on the same ports, with fresh state."""
        stopped = self.stop()
        self.start()
        return stopped


@contextlib.contextmanager
def _interruptible_children() -> Iterator[None]:
    """Let the stack take Ctrl-C. An xdist worker ignores SIGINT, and an ignored signal stays ignored in a
    child (so `make run` would never hear Ctrl-C); a handled one is reset to its default at exec."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def start_local_stack(directory: Path, *, seeded: bool = True) -> LocalStack:
    """A running stack on spare ports; new ports if one was taken meanwhile."""
    for attempt in range(1, PORT_ATTEMPTS + 1):
        stack = LocalStack(directory, seeded=seeded)
        try:
            stack.start()
            return stack
        except StackFailed:
            if attempt == PORT_ATTEMPTS or "cannot start" not in "".join(stack.output):
                raise
    raise AssertionError("unreachable")
