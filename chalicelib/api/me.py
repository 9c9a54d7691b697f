"""The caller: identity, orgs and staff roles."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import route
from chalicelib.domain.access import Caller

me = Blueprint(__name__)


@route(me, "/v1/me", "GET", summary="Who I am: identity, orgs and staff roles")
def get_me(caller: Caller) -> dict[str, Any]:
    user = caller.user
    out: dict[str, Any] = {
        "id": user.user_id,
        "email": user.email,
        "name": user.name,
        "staff": [{"org_id": m.org_id, "org_name": m.org_name, "role": m.role.value} for m in caller.staff],
    }
    if user.phone:
        out["phone"] = user.phone
    return out
