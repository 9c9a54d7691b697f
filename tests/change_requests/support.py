"""Deals with every role a change request names, and short calls to the change request routes."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api, Reply
from tests.support.plans import COORDINATOR, join, open_deal

ADMIN = "ada.admin@harbormain.example"
AGENT = "alex.agent@harbormain.example"
CLIENT = "cr.client@mail.example"
VENDOR = "victor@fixitplumbing.example"
LENDER = "lena@firstharborbank.example"
PEOPLE = {"admin": ADMIN, "coordinator": COORDINATOR, "agent": AGENT, "client": CLIENT, "vendor": VENDOR}

KEY_DATES = {
    "purchase": {"offer_accepted": "2026-12-01"},
    "listing": {"listing_agreement_signed": "2026-12-01"},
    "lease": {"lease_start": "2027-01-01"},
    "maintenance": {"scheduled_for": "2026-12-10"},
}
PARTIES = {
    "purchase": [{"email": CLIENT, "role": "client"}, {"email": AGENT, "role": "agent"}],
    "listing": [{"email": CLIENT, "role": "client"}, {"email": AGENT, "role": "agent"}],
    "lease": [{"email": CLIENT, "role": "client"}, {"email": AGENT, "role": "agent"}],
    "maintenance": [{"email": CLIENT, "role": "client"}, {"email": VENDOR, "role": "vendor"}],
}


def deal_with_everyone(api: Api, workflow: str, **extra: Any) -> dict[str, Any]:
    """A deal whose client and vendor accepted their invitations (staff join at once)."""
    deal = open_deal(api, workflow, PARTIES[workflow], KEY_DATES[workflow], **extra)
    for party in deal["parties"]:
        if party["status"] == "invited":
            join(deal["id"], party["user_id"])
    return api.get(f"/v1/deals/{deal['id']}", as_user=COORDINATOR).json


def submit(api: Api, deal_id: str, kind: str, fields: dict[str, Any], as_user: str, **extra: Any) -> Reply:
    return api.post(
        f"/v1/deals/{deal_id}/change-requests", {"type": kind, "fields": fields, **extra}, as_user=as_user
    )


def decide(
    api: Api, deal_id: str, cr_id: str, decision: str, as_user: str, comment: str | None = None
) -> Reply:
    body: dict[str, Any] = {"decision": decision}
    if comment:
        body["comment"] = comment
    return api.post(f"/v1/deals/{deal_id}/change-requests/{cr_id}/decisions", body, as_user=as_user)


def activity(api: Api, deal_id: str, as_user: str = COORDINATOR) -> list[dict[str, Any]]:
    return api.get(f"/v1/deals/{deal_id}/activity?limit=100", as_user=as_user).json["items"]
