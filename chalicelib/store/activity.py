"""Activity log reads. Writes go through UnitOfWork.record, inside each mutation's transaction."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.access import DealAccess
from chalicelib.domain.entities import ActivityEvent
from chalicelib.store.errors import translated
from chalicelib.store.models import ACTIVITY_PREFIX, ActivityItem, activity_stream
from chalicelib.store.table import TableItem, query_page
from chalicelib.store.visibility import viewer_filter


def deal_page(
    deal_id: str, access: DealAccess, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[ActivityEvent], dict[str, Any] | None]:
    """A deal's activity, newest first, filtered for the viewer: one Query per page."""
    with translated():
        page = query_page(
            activity_stream(deal_id, None, None),
            sort_condition=TableItem.sk.startswith(ACTIVITY_PREFIX),
            filter_condition=viewer_filter(ActivityItem, access),
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return [i.to_entity() for i in page.items if isinstance(i, ActivityItem)], page.last_key


def org_page(
    org_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[ActivityEvent], dict[str, Any] | None]:
    """An org's own log (user management, exports, imports), newest first: one Query per page. Deal
    events stay in their deals' partitions; the org-wide export reads them all by month (GSI1)."""
    with translated():
        page = query_page(
            activity_stream(None, org_id, None),
            sort_condition=TableItem.sk.startswith(ACTIVITY_PREFIX),
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return [i.to_entity() for i in page.items if isinstance(i, ActivityItem)], page.last_key
