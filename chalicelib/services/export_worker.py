"""The export worker: one queue message, one slice of one export job (services/exports.py).

A message names a job. The worker claims the job (a lease in the job item), runs slices' worth of parts
until its budget is spent at a part boundary, saves where it stands, and queues the job again — until the
last part is uploaded, the upload completed and the job `ready`. Progress is saved per part with a
conditional write (this lease, and the part count it started from), so:

- a duplicated message finds the job held (it is deferred until the lease lapses) or already moved on (it
  starts where the saved progress says) or finished (nothing to do) — no part or row twice;
- a worker killed mid-slice leaves the last saved part boundary: the message comes back once SQS's
  visibility timeout has passed, the lease has lapsed by then, and the part it uploaded without saving is
  written again under the same number (S3 replaces it) or left out of the completed file;
- a slice that fails (S3 or the table failing) is retried, `WORKER_MAX_FAILURES` times in a row at most,
  then the job ends `failed` with its reason and its multipart upload is aborted. A message SQS delivered
  that many times (the function stopped mid-slice each time) ends the job the same way.
"""

from __future__ import annotations

import time
import uuid
from contextlib import suppress
from datetime import timedelta

from chalicelib import clock
from chalicelib.clock import parse_iso
from chalicelib.domain import exports as rules
from chalicelib.domain.errors import DomainError
from chalicelib.observability import logger
from chalicelib.services import exports as export_service
from chalicelib.store import export_queue
from chalicelib.store import exports as export_store
from chalicelib.store.export_queue import Work

RETRY_SECONDS = 30  # a failed slice is tried again after 30 s, then 60 s


def advance(work: Work, receives: int = 1) -> str:
    """One message's work; the outcome, for the log. Raises only if the job could not be queued again
    (the message then comes back: SQS redelivers what the handler reports as failed)."""
    job = export_store.load_job(work.export_id)
    if job is None or job.status != "running":
        return "nothing to do"
    if receives > rules.WORKER_MAX_FAILURES:
        stopped = f"the export worker stopped {receives - 1} times during this export; start it again"
        export_service.give_up(job, stopped)
        return "failed"
    lease, now = uuid.uuid4().hex, clock.now()
    until = now + timedelta(seconds=rules.WORKER_LEASE_SECONDS)
    if not export_store.claim(job, lease, now, until):
        return _defer(work)
    started = time.monotonic()
    try:
        export_service.run_claimed(job, lease, rules.WORKER_SLICE_SECONDS)
    except export_service.ExportTooLarge:
        export_service.give_up(job, export_service.too_large())
        return "failed"
    except export_service.SLICE_ERRORS as error:  # storage or the table failed: retried, then the job fails
        return _failed_slice(job, lease, work, error)
    logger.info(
        "an export slice ran",
        extra={
            "export_id": job.export_id,
            "status": job.status,
            "parts": int(job.parts),
            "seconds": round(time.monotonic() - started, 1),
        },
    )
    if job.status == "running":
        export_queue.send(Work(job.export_id))
        return "continues"
    return "ready"


def _defer(work: Work) -> str:
    """Another slice holds the job: come back when its lease lapses — at once if it has just been released
    (that slice stopped at a part boundary and left the rest to the queue)."""
    current = export_store.load_job(work.export_id)
    if current is None or current.status != "running":
        return "nothing to do"
    held = (parse_iso(current.lease_until) - clock.now()).total_seconds() if current.lease_until else 0.0
    export_queue.send(work, int(max(0.0, held)) + 1)
    return "deferred"


def _failed_slice(job: export_store.ExportJobItem, lease: str, work: Work, error: Exception) -> str:
    failures = work.failures + 1
    logger.warning(
        "an export slice failed",
        extra={"export_id": job.export_id, "failures": failures, "error": type(error).__name__},
    )
    with suppress(*export_service.SLICE_ERRORS):  # its lease lapses anyway
        export_store.release(job, lease)
    if failures >= rules.WORKER_MAX_FAILURES:
        what = "storage failed" if isinstance(error, DomainError) else f"an error ({type(error).__name__})"
        export_service.give_up(job, f"the export stopped: {what} {failures} times in a row; start it again")
        return "failed"
    export_queue.send(Work(job.export_id, failures), RETRY_SECONDS * failures)
    return "retrying"
