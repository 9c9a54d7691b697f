"""Staff's list of one person's notifications (the portal's resend list): one Query a page."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.entities import Notification
from chalicelib.store.errors import translated
from chalicelib.store.notification_models import NotificationItem
from chalicelib.store.table import TableItem, query_page


def sent_by_org(
    user_id: str,
    channel: str,
    org_id: str,
    deal_id: str | None,
    *,
    limit: int,
    start: dict[str, Any] | None,
) -> tuple[list[Notification], dict[str, Any] | None]:
    """The user's notifications on one channel that the org sent (and, if named, about one deal), newest
    first. Exactly one Query: the filter may thin a page, and the cursor then carries on from where it
    stopped, so a page can hold fewer items than `limit` and still have a next one."""
    condition = NotificationItem.org_id == org_id
    if deal_id is not None:
        condition = condition & (NotificationItem.deal_id == deal_id)
    with translated():
        page = query_page(
            NotificationItem.KEY.partition_for(user_id=user_id),
            sort_condition=TableItem.sk.startswith(f"{channel}#"),
            filter_condition=condition,
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return [i.to_entity() for i in page.items if isinstance(i, NotificationItem)], page.last_key
