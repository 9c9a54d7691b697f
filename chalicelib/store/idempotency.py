"""Idempotency-Key records for POSTs, written inside the mutation's own transaction.

The API layer opens a claim before the view runs; the UnitOfWork adds it to its TransactWriteItems on
the condition that no claim with the same key exists. So the change and the claim land together or not
at all, and a retry (or a concurrent twin) can never write the change twice. After the commit the
rendered answer is stored on the claim, and every later request with the key replays it.

A claim without an answer means its change landed but the answer is not stored. While the first request
may still be running (`IN_FLIGHT`, longer than the API function's timeout) a repeat is told to retry
shortly (409 `idempotency_in_progress`). After that, the first request is over and its answer was lost
(DynamoDB stopped answering between the commit and storing the answer): a repeat is told the change was
applied (409 `idempotency_answer_lost`) instead of "in progress" for the claim's 24 hours, and never
applies the change a second time.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.domain.errors import Conflict
from chalicelib.store.errors import translated
from chalicelib.store.models import IdempotencyItem

RETENTION = timedelta(hours=24)
# The longest a request can still be running: the API function's timeout is 10 s, API Gateway's 29 s.
IN_FLIGHT = timedelta(seconds=30)

_pending: ContextVar[IdempotencyItem | None] = ContextVar("idempotency_claim", default=None)
_taken: ContextVar[bool] = ContextVar("idempotency_claim_taken", default=False)


class Replay(Conflict):
    """The key was already used: the caller should replay the stored answer."""

    code = "idempotency_replay"

    def __init__(self) -> None:
        super().__init__("this Idempotency-Key was already used")


class InProgress(Conflict):
    """The first request with this key committed but its answer is not stored yet (still running)."""

    code = "idempotency_in_progress"

    def __init__(self) -> None:
        super().__init__(
            "the first request with this Idempotency-Key is still being processed; retry shortly"
        )


class AnswerLost(Conflict):
    """The first request with this key applied its change, but ended before storing its answer."""

    code = "idempotency_answer_lost"

    def __init__(self) -> None:
        super().__init__(
            "the first request with this Idempotency-Key was applied, but its answer was lost; "
            "read the record to see the result (sending it again would not apply it twice)"
        )


def unanswered(claim: IdempotencyItem) -> Conflict:
    """What a repeat of a request whose claim holds no answer is told."""
    started = clock.parse_iso(claim.created_at)
    return InProgress() if clock.now() - started < IN_FLIGHT else AnswerLost()


def scope_for(user_id: str, key: str) -> str:
    return f"{user_id}#{hashlib.sha256(key.encode()).hexdigest()}"


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def lookup(scope: str) -> IdempotencyItem | None:
    key = IdempotencyItem.key_for(scope=scope)
    with translated():
        try:
            return IdempotencyItem.get(key[0], key[1], consistent_read=True)
        except DoesNotExist:
            return None


def open_claim(scope: str, request_fingerprint: str) -> None:
    now = clock.now()
    claim = IdempotencyItem(scope=scope, fingerprint=request_fingerprint, created_at=clock.iso(now))
    claim.expires_at = now + RETENTION
    _pending.set(claim)
    _taken.set(False)


def take_pending_claim() -> IdempotencyItem | None:
    """Called by UnitOfWork.commit: the claim rides in that transaction."""
    claim = _pending.get()
    _pending.set(None)
    if claim is not None:
        _taken.set(True)
    return claim


def claim_committed() -> bool:
    """True once a transaction carried the claim (a failed commit raises, so taken means written)."""
    return _taken.get()


def discard_claim() -> None:
    _pending.set(None)
    _taken.set(False)


def store_answer(scope: str, status_code: int, body: str) -> None:
    key = IdempotencyItem.key_for(scope=scope)
    item = IdempotencyItem(key[0], key[1], scope=scope)
    with translated():
        item.update(
            actions=[IdempotencyItem.status_code.set(status_code), IdempotencyItem.body.set(body)],
            condition=IdempotencyItem.pk.exists(),
        )
