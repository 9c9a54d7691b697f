"""Trigger emulation for local mode: what AWS would invoke (S3→SQS ingest, the table stream, schedules),
driven here by pollers that call the very handler functions deployed to Lambda.

A trigger is anything with a `name`, an `interval` in seconds, and a `poll()` that does one round of work
and returns how many records it handled. Register triggers in `TRIGGERS` (a factory per trigger, called
once the emulator and resources exist).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from chalicelib.observability import logger


class Trigger(Protocol):
    name: str
    interval: float

    def poll(self) -> int: ...


TRIGGERS: list[Callable[[], Trigger]] = []


def _outbox_stream() -> Trigger:
    from devstack.notify import OutboxStream

    return OutboxStream()


def _reminder_schedule() -> Trigger:
    from devstack.notify import ReminderSchedule

    return ReminderSchedule()


TRIGGERS += [_outbox_stream, _reminder_schedule]  # the table stream → outbox; the sweep every minute


def _upload_trigger() -> Trigger:
    from devstack.queue_trigger import upload_queue_trigger

    return upload_queue_trigger()


# -- exports worker (issue 18): the export queue → export_worker, one slice per message -----------------
def _export_trigger() -> Trigger:
    from devstack.queue_trigger import export_queue_trigger

    return export_queue_trigger()


TRIGGERS += [_upload_trigger, _export_trigger]


class TriggerRunner:
    """Runs each trigger on its own thread until stopped; a failing round is logged and retried."""

    def __init__(self, triggers: list[Trigger]) -> None:
        self.triggers = triggers
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for trigger in self.triggers:
            thread = threading.Thread(target=self._loop, args=(trigger,), name=trigger.name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _loop(self, trigger: Trigger) -> None:
        while not self._stop.is_set():
            try:
                trigger.poll()
            except Exception:  # a local poller must survive a bad round, like Lambda retries would
                logger.exception("local trigger round failed", extra={"trigger": trigger.name})
            self._stop.wait(trigger.interval)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask every trigger to stop; a round still running after `timeout` seconds is abandoned (its
        thread is a daemon: it ends with the process)."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


# -- outbound webhooks (docs/INTEGRATIONS.md): the delivery sweep --------------------------------------------
def _webhook_schedule() -> Trigger:
    from devstack.webhook_trigger import WebhookSchedule

    return WebhookSchedule()


TRIGGERS.append(_webhook_schedule)
