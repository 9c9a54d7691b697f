"""Staff list one person's notifications (to resend one from the list, docs/NOTIFICATIONS.md)."""

from __future__ import annotations

from chalicelib.domain.access import Caller
from chalicelib.domain.entities import Notification
from chalicelib.domain.staff_notifications import channel_of, is_deal_id, is_user_id
from chalicelib.services.pipeline import ops_org
from chalicelib.store import cursors
from chalicelib.store import notification_lists as store


def sent_to(
    caller: Caller,
    user_id: str,
    *,
    org_id: str | None,
    channel: str | None,
    deal_id: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Notification], str | None]:
    """Admins and coordinators of the org (403 for its agents, 404 outside it); only what the org sent.
    The caller and one Query a page."""
    org = ops_org(caller, org_id)
    wanted = channel_of(channel)
    if not is_user_id(user_id) or not is_deal_id(deal_id):
        return [], None
    scope = f"staff-notifications:{org}:{user_id}:{wanted.value}:{deal_id or ''}"
    items, last_key = store.sent_by_org(
        user_id, wanted.value, org, deal_id, limit=limit, start=cursors.decode(scope, cursor)
    )
    return items, cursors.encode(scope, last_key)
