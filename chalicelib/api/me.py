"""The caller: identity, orgs and staff roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.http import route
from chalicelib.domain.access import Caller
from chalicelib.domain.entities import StaffMembership
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")

me = Blueprint(__name__)


@route(me, "/v1/me", "GET", summary="Who I am: identity, orgs and staff roles")
def get_me(caller: Caller) -> acc.Me:
    user = caller.user
    out: acc.Me = {
        "id": user.user_id,
        "email": user.email,
        "name": user.name,
        "staff": [_staff(m) for m in caller.staff],
    }
    if user.phone:
        out["phone"] = user.phone
    return out


def _staff(m: StaffMembership) -> acc.Staff:
    out: acc.Staff = {"org_id": m.org_id, "org_name": m.org_name, "role": m.role.value}
    if m.org_slug:  # the org's public intake form (docs/INTAKE.md)
        out["org_slug"] = m.org_slug
    return out
