"""Who may list another person's notifications, and which: the admin panel's rule (admins and coordinators
of the org; an agent of the org 403, anyone else 404), and only what that org sent."""

from __future__ import annotations

from chalicelib import ids
from chalicelib.domain.errors import Invalid
from chalicelib.domain.notifications import Channel


def channel_of(value: str | None) -> Channel:
    """The channel asked for; email when none (what a recipient most often says never arrived)."""
    if value is None:
        return Channel.EMAIL
    try:
        return Channel(value)
    except ValueError:
        choices = ", ".join(c.value for c in Channel)
        raise Invalid(f"channel must be one of {choices}", code="invalid_channel") from None


def is_user_id(value: str) -> bool:
    """A path id that is not a user's cannot have notifications: answered without a read."""
    return ids.looks_like("u", value)


def is_deal_id(value: str | None) -> bool:
    return value is None or ids.looks_like("dl", value)
