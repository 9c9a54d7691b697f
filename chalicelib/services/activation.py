"""The activation funnel of invitees (invited → accepted → first visit → first upload), kept on write.

The first visit is noted by the invitee's first read of the deal workspace after accepting: one extra
transaction, once per party (like a first sign-in), never failing the read it rides on."""

from __future__ import annotations

from chalicelib import clock
from chalicelib.domain.access import DealAccess
from chalicelib.domain.entities import Deal
from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.observability import logger
from chalicelib.services.activity import deal_event
from chalicelib.store import reports as report_store
from chalicelib.store.unit_of_work import UnitOfWork


def note_first_visit(deal: Deal, access: DealAccess) -> None:
    party = access.party
    if party is None or party.invitation_id is None or party.first_visit_at is not None:
        return
    now = clock.now()
    uow = UnitOfWork()
    report_store.note_first_visit(uow, deal, party, now)
    uow.record(
        deal_event(
            deal,
            access.caller.actor,
            EventType.PARTY_FIRST_VISIT,
            f"{access.caller.label} opened the deal for the first time",
            visibility=Visibility.INTERNAL,
            data={"user_id": party.user_id, "invitation_id": party.invitation_id},
            at=now,
        )
    )
    try:
        uow.commit()
    except (Conflict, Unavailable) as exc:  # a concurrent first visit won, or the table is busy: next time
        logger.info("first visit not noted", extra={"reason": type(exc).__name__})
        return
    party.first_visit_at = now
