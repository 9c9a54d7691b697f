from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from standardwebhooks import Webhook

from chalicelib.store.table import TableItem
from tests.notifications.conftest import outbox, providers, sent  # noqa: F401 - the outbox, shared
from tests.support.api import Api, Reply

HARBOR = "harbor-main"
RIVAL = "rival-realty"
ADMIN = "ada.admin@harbormain.example"
COORD = "cora.coord@harbormain.example"
ALEX = "alex.agent@harbormain.example"
AVERY = "avery.agent@harbormain.example"
RIVAL_ADMIN = "rhea.admin@rivalrealty.example"
CLIENT = "bianca.buyer@mail.example"
SETTINGS = "/v1/admin/inbound-leads"


def lead_body(email: str, name: str = "Fran Crm", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "scenario": "buy",
        "contact": {"name": name, "email": email},
        "answers": {"timeline": "asap", "pre_approved": True},
        "source": "Follow Up Boss",
        "external_id": "fub-4711",
    }
    body.update(extra)
    return body


def signed(secret: str, raw: str, *, msg_id: str | None = None, at: datetime | None = None) -> dict[str, str]:
    """The headers a Standard Webhooks sender sends, signed with the reference library."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, raw),
    }


def deliver(
    api: Api,
    secret: str,
    body: Any,
    *,
    slug: str = HARBOR,
    msg_id: str | None = None,
    at: datetime | None = None,
) -> Reply:
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = signed(secret, raw, msg_id=msg_id, at=at)
    return api.request("POST", f"/v1/orgs/{slug}/leads/inbound", body=raw, headers=headers)


def new_secret(api: Api, who: str = ADMIN, **body: Any) -> str:
    reply = api.request("POST", SETTINGS + "/secret", as_user=who, json_body=body or None)
    assert reply.status == 201, reply.json
    return str(reply.json["secret"])


def leads_from(api: Api, source: str = "crm") -> list[dict[str, Any]]:
    reply = api.get("/v1/admin/leads?limit=100", as_user=COORD)
    assert reply.status == 200
    return [lead for lead in reply.json["items"] if lead["source"] == source]


def written() -> dict[str, int]:
    """Every item in the table by kind, rate-limit counters aside (test inspection only)."""
    counts: dict[str, int] = {}
    for item in TableItem.scan():
        kind = type(item).__name__
        if kind != "RateLimitItem":
            counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.fixture
def secret(api, seeded) -> str:
    return new_secret(api)
