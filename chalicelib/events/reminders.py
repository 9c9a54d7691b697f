"""The reminders sweep on its schedule (`reminder_sweep`, every 15 minutes)."""

from __future__ import annotations

from typing import Any

from chalicelib.services import reminders


def handle(event: Any) -> dict[str, int]:
    return dict(reminders.sweep().__dict__)
