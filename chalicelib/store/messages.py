"""Deal messages and internal notes: appended in the deal partition, read newest first, one Query a page."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.access import DealAccess
from chalicelib.domain.entities import Message
from chalicelib.store.errors import translated
from chalicelib.store.models import MESSAGE_PREFIX, MessageItem
from chalicelib.store.table import TableItem, query_page
from chalicelib.store.unit_of_work import UnitOfWork, already_exists
from chalicelib.store.visibility import viewer_filter


def add_message(uow: UnitOfWork, message: Message) -> None:
    uow.create(MessageItem.from_entity(message), on_exists=already_exists("message"))


def deal_page(
    deal_id: str, access: DealAccess, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[Message], dict[str, Any] | None]:
    with translated():
        page = query_page(
            MessageItem.KEY.partition_for(deal_id=deal_id),
            sort_condition=TableItem.sk.startswith(MESSAGE_PREFIX),
            filter_condition=viewer_filter(
                MessageItem, access, own=MessageItem.author_user_id == access.user_id
            ),
            limit=limit,
            start_key=start,
            newest_first=True,
        )
    return [i.to_entity() for i in page.items if isinstance(i, MessageItem)], page.last_key
