"""Record visibility (domain.access.can_see) pushed into a Query's filter, so a filtered page costs one
request. Works on any item with `visibility` and `restricted_to` attributes."""

from __future__ import annotations

from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.domain.access import DealAccess
from chalicelib.domain.roles import Capacity, Visibility


def viewer_filter(item_cls: Any, access: DealAccess, *, own: Condition | None = None) -> Condition | None:
    """None for staff (they see everything). `own` adds what else makes a record the viewer's own
    (e.g. being its author)."""
    if access.is_staff:
        return None
    not_internal = item_cls.visibility != Visibility.INTERNAL.value
    mine = item_cls.restricted_to.contains(access.user_id)
    if own is not None:
        mine = mine | own
    if access.capacity is Capacity.VENDOR:
        return not_internal & mine
    return not_internal & ((item_cls.visibility == Visibility.PARTIES.value) | mine)
