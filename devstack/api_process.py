"""Binds the local API to the `make run` that started it, and lets it take bursts of connections.

When that process dies however it dies (Ctrl-C, a crash, SIGKILL, the kernel's out-of-memory killer), the
API notices within half a second that its parent is gone and exits, so it never holds its port as an
orphan. `devstack/local_api.py` calls `prepare()` before it serves.
"""

from __future__ import annotations

import os
import sys
import threading
import time

PARENT_CHECK_SECONDS = 0.5
ORPHANED_EXIT_CODE = 3

# `chalice local` listens with Python's default backlog of 5 connections: a burst of parallel requests (a
# portal page, the concurrency tests) beyond that is reset by the kernel before it is served.
LISTEN_BACKLOG = 128


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    print("`make run` is gone: the API stops too", file=sys.stderr, flush=True)
    os._exit(ORPHANED_EXIT_CODE)


def prepare() -> None:
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    from chalice.local import ThreadedHTTPServer

    ThreadedHTTPServer.request_queue_size = LISTEN_BACKLOG
