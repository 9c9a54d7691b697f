"""Deal messages and internal notes.

Staff post to any visibility and add internal notes; clients and partners post to everyone on the deal
(`parties`); a vendor posts only about a work order they own, and only staff and that vendor see it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock, ids
from chalicelib.domain.access import Action, Caller, DealAccess
from chalicelib.domain.entities import Message, Party
from chalicelib.domain.errors import Forbidden, Invalid
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Capacity, PartyStatus, Visibility
from chalicelib.services.access import deal_header_access
from chalicelib.services.activity import deal_event
from chalicelib.store import cursors
from chalicelib.store import deals as deal_store
from chalicelib.store import messages as message_store
from chalicelib.store import plan as plan_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import NewMessage

EXCERPT = 140


def list_messages(
    caller: Caller, deal_id: str, *, limit: int, cursor: str | None
) -> tuple[list[Message], str | None, DealAccess]:
    _, _, access = deal_header_access(caller, deal_id)
    access.require(Action.VIEW_DEAL)
    scope = f"messages:{deal_id}:{caller.user_id}"
    found, last = message_store.deal_page(deal_id, access, limit=limit, start=cursors.decode(scope, cursor))
    return found, cursors.encode(scope, last), access


def post_message(caller: Caller, deal_id: str, command: NewMessage) -> tuple[Message, DealAccess]:
    deal, parties, access = deal_header_access(caller, deal_id)
    visibility, restricted_to = _audience(deal_id, parties, access, command)
    if command.critical:
        access.require(Action.SEND_CRITICAL)
    now = clock.now()
    message = Message(
        deal_id=deal.deal_id,
        message_id=ids.new_id("ms"),
        at=now,
        author_user_id=caller.user_id,
        author_name=caller.label,
        body=command.body,
        visibility=visibility,
        restricted_to=restricted_to,
        task_id=command.task_id,
    )
    note = visibility is Visibility.INTERNAL
    uow = UnitOfWork()
    message_store.add_message(uow, message)
    deal_store.touch(uow, deal, parties, now)
    uow.record(
        deal_event(
            deal,
            caller.actor,
            EventType.NOTE_ADDED if note else EventType.MESSAGE_POSTED,
            f"{caller.label} added an internal note" if note else f"{caller.label} posted a message",
            visibility=visibility,
            restricted_to=restricted_to,
            data={
                "message_id": message.message_id,
                **({} if note else {"excerpt": _excerpt(message.body)}),
                **({"critical": True} if command.critical else {}),
            },
            at=now,
        )
    )
    uow.commit()
    return message, access


def _audience(
    deal_id: str, parties: list[Party], access: DealAccess, command: NewMessage
) -> tuple[Visibility, list[str]]:
    """Who will see the message, as the caller's role allows (§1: post message, internal note)."""
    if command.visibility is Visibility.INTERNAL:
        access.require(Action.POST_INTERNAL_NOTE)
        return Visibility.INTERNAL, []
    if access.capacity is Capacity.VENDOR:
        task = plan_store.load_task(deal_id, command.task_id) if command.task_id else None
        if task is None or task.owner_user_id != access.user_id:
            raise Forbidden(
                "vendors post about a work order assigned to them (send its task_id)", code="work_order_only"
            )
        return Visibility.RESTRICTED, [access.user_id]
    if not access.is_staff and command.visibility is not Visibility.PARTIES:
        raise Forbidden("your messages go to everyone on the deal (visibility parties)", code="parties_only")
    if command.visibility is Visibility.PARTIES:
        return Visibility.PARTIES, []
    current = {p.user_id for p in parties if p.status is not PartyStatus.REVOKED}
    unknown = sorted(set(command.restricted_to) - current)
    if not command.restricted_to or unknown:
        raise Invalid(
            "a restricted message names the parties who see it",
            code="not_a_party",
            details={"unknown": unknown},
        )
    return Visibility.RESTRICTED, sorted(set(command.restricted_to))


def _excerpt(body: str) -> str:
    return body if len(body) <= EXCERPT else body[: EXCERPT - 1].rstrip() + "…"
