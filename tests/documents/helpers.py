"""Shared steps of the document tests."""

from __future__ import annotations

from typing import Any

AGENT = "alex.agent@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
CLIENT = "bianca.buyer@mail.example"
CO_CLIENT = "ben.buyer@mail.example"
LENDER = "lena@firstharborbank.example"


def user_id(api: Any, deal: str, email: str) -> str:
    parties = api.get(f"/v1/deals/{deal}", as_user=AGENT).json["parties"]
    return str(next(p["user_id"] for p in parties if p["email"] == email))


def new_request(
    api: Any, deal: str, *, targets: tuple[str, ...] = (CLIENT,), **fields: Any
) -> dict[str, Any]:
    body = {
        "type": "pre_approval_letter",
        "label": "Pre-approval letter",
        "target_user_ids": [user_id(api, deal, email) for email in targets],
        **fields,
    }
    reply = api.post(f"/v1/deals/{deal}/document-requests", body, as_user=AGENT)
    assert reply.status == 201, reply.json
    return dict(reply.json)


def request_as(api: Any, deal: str, request_id: str, email: str = CLIENT) -> dict[str, Any]:
    listed = api.get(f"/v1/deals/{deal}/document-requests", as_user=email).json["items"]
    return dict(next(r for r in listed if r["id"] == request_id))


def activity(api: Any, deal: str, email: str = COORDINATOR) -> list[dict[str, Any]]:
    return list(api.get(f"/v1/deals/{deal}/activity?limit=100", as_user=email).json["items"])
