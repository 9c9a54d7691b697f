from __future__ import annotations

from typing import Any

import pytest

from chalicelib.store.intake_models import ContactItem, LeadItem
from chalicelib.store.table import TableItem
from tests.notifications.conftest import outbox, providers, sent  # noqa: F401 - the outbox, shared
from tests.support.api import Api, Reply

HARBOR = "harbor-main"
RIVAL = "rival-realty"
COORD = "cora.coord@harbormain.example"
ADMIN = "ada.admin@harbormain.example"
ALEX = "alex.agent@harbormain.example"
AVERY = "avery.agent@harbormain.example"
RIVAL_COORD = "rory.coord@rivalrealty.example"


def form(email: str, *, scenario: str = "buy", name: str = "Jane Doe", **extra: Any) -> dict[str, Any]:
    answers = {
        "buy": {"timeline": "asap", "pre_approved": True},
        "sell": {"timeline": "asap"},
        "rent": {"timeline": "asap", "monthly_budget": 2500},
    }[scenario]
    body: dict[str, Any] = {
        "scenario": scenario,
        "contact": {"name": name, "email": email},
        "answers": answers,
    }
    body.update(extra)
    return body


def send(api: Api, body: Any, slug: str = HARBOR) -> Reply:
    return api.request("POST", f"/v1/orgs/{slug}/intake", json_body=body)


def leads(api: Api, who: str = COORD, query: str = "") -> list[dict[str, Any]]:
    reply = api.get(f"/v1/admin/leads?limit=100{query}", as_user=who)
    assert reply.status == 200, reply.json
    return list(reply.json["items"])


def stored(kind: type[TableItem]) -> list[TableItem]:
    return [i for i in kind.scan() if isinstance(i, kind)]  # test inspection only, never in the product


def lead_count() -> int:
    return len(stored(LeadItem))


def contact_count() -> int:
    return len(stored(ContactItem))


@pytest.fixture
def lead_of(api: Api):
    def find(email_name: str) -> dict[str, Any]:
        return next(lead for lead in leads(api) if lead["contact_name"] == email_name)

    return find


@pytest.fixture(scope="module")
def demo(demo_snapshot):
    """The demo data, restored once for a module of read-only tests."""
    return demo_snapshot.restore()
