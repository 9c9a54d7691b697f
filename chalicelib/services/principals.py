"""Who is calling: the user behind a verified token, their staff roles, and first sign-in."""

from __future__ import annotations

from chalicelib import clock, ids
from chalicelib.domain.access import Caller
from chalicelib.domain.entities import User
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import UserStatus
from chalicelib.observability import logger
from chalicelib.store import users as user_store
from chalicelib.store.unit_of_work import UnitOfWork


def caller_for(email: str, name: str | None) -> Caller:
    """One strongly consistent Query per request, so deactivation takes effect on the next request.
    A verified email seen for the first time becomes a user (first sign-in)."""
    user, staff = user_store.load_principal(email)
    if user is None:
        user = _register(email, name)
    if user.status is UserStatus.DEACTIVATED:
        raise Forbidden(
            "this account has been deactivated; contact your brokerage", code="account_deactivated"
        )
    return Caller(user=user, staff=tuple(staff))


def _register(email: str, name: str | None) -> User:
    from chalicelib.services.activity import user_event  # with the deal services: not every request's

    user = User(
        user_id=ids.new_id("u"),
        email=user_store.normalize_email(email),
        status=UserStatus.ACTIVE,
        created_at=clock.now(),
        name=name,
    )
    uow = UnitOfWork()
    user_store.add_user(uow, user)
    uow.record(
        user_event(
            user.user_id, Caller(user=user).actor, EventType.USER_REGISTERED, "Signed in for the first time"
        )
    )
    try:
        uow.commit()
    except Conflict:
        # A concurrent first request registered the same email a moment ago: use that user.
        existing, _ = user_store.load_principal(email)
        if existing is None:
            raise
        return existing
    logger.info("registered a new user", extra={"user_id": user.user_id})
    return user
