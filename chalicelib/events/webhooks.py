"""The webhook sweep on its schedule (`webhook_sweep`, every minute): attempt every due delivery.

Why a schedule over the table rather than an SQS queue per delivery: the retry schedule reaches 10 hours
between attempts (SQS caps a delay at 15 minutes and a visibility timeout at 12 hours), the delivery log
*is* the schedule (`next_attempt_at` on each delivery, shown by the API), and at idle it costs one
invocation and four empty Queries a minute — no queue to provision or poll.
"""

from __future__ import annotations

import time
from typing import Any

from chalicelib import clock
from chalicelib.services import webhook_delivery

BUDGET_SECONDS = 100.0  # the function's timeout is 120 s (infra/permissions.py); stop starting attempts


def handle(event: Any) -> dict[str, int]:
    return webhook_delivery.sweep(clock.now(), deadline=time.monotonic() + BUDGET_SECONDS)
