"""The one source of 'now', so tests and the reminder sweep can move time."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime | None) -> None:
    """Pin the clock (tests, local what-if runs); None releases it."""
    global _frozen
    _frozen = at.astimezone(UTC) if at is not None else None


def iso(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a Z: sortable as text, the form used in keys and the API."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
