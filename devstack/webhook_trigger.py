"""Local stand-in for the `webhook_sweep` schedule (every minute when deployed): every few seconds here, so
`make run` delivers webhooks promptly. Calls the very handler Lambda runs."""

from __future__ import annotations

from devstack.notify import LambdaContext, scheduled_event


class WebhookSchedule:
    name = "webhook_sweep"
    interval = 5.0

    def poll(self) -> int:
        from app import webhook_sweep

        result: dict[str, int] = webhook_sweep(scheduled_event(), LambdaContext("webhook_sweep"))
        return int(result.get("attempted", 0))
