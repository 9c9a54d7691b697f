"""Short calls to the template routes, and the worked example of docs/TEMPLATES.md as data."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import workflows
from devstack.demo_templates import with_example as add_example
from devstack.demo_templates import worked_example
from tests.support.api import Api, Reply

__all__ = ["add_example", "worked_example"]

ADMIN = "ada.admin@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
RIVAL_ADMIN = "rhea.admin@rivalrealty.example"
CLIENT = "tess.template@mail.example"
NY = {"line1": "18 Prospect Pl", "city": "Brooklyn", "state": "NY", "postal_code": "11217"}
MA = {"line1": "5 Oak Ave", "city": "Boston", "state": "MA", "postal_code": "02115"}


def clone(
    api: Api, name: str = "New York purchase", states: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    as_user = extra.pop("as_user", COORDINATOR)
    body = {"from_template": "purchase", "name": name, "states": states or ["NY"], **extra}
    reply = api.post("/v1/admin/templates", body, as_user=as_user)
    assert reply.status == 201, reply.json
    return reply.json


def put_draft(
    api: Api, template: dict[str, Any], definition: dict[str, Any], as_user: str = COORDINATOR
) -> Reply:
    tid, version = template["template"]["id"], template["template"]["draft_version"]
    return api.request(
        "PUT",
        f"/v1/admin/templates/{tid}/draft",
        json_body={"definition": definition},
        headers={"If-Match": f'"{version}"'},
        as_user=as_user,
    )


def publish(api: Api, template_id: str, as_user: str = ADMIN) -> Reply:
    return api.post(f"/v1/admin/templates/{template_id}/publish", as_user=as_user)


def open_deal(api: Api, address: dict[str, str], **extra: Any) -> dict[str, Any]:
    body = {
        "workflow": "purchase",
        "title": f"Purchase of {address['line1']}",
        "property": {"address": address},
        "key_dates": {"offer_accepted": "2026-12-01"},
        "parties": [{"email": CLIENT, "role": "client"}],
        **extra,
    }
    reply = api.post("/v1/deals", body, as_user=COORDINATOR)
    assert reply.status == 201, reply.json
    return reply.json


def titles(ws: dict[str, Any], status: str | None = None) -> set[str]:
    return {t["title"] for t in ws["tasks"] if status is None or t["status"] == status}


def builtin_purchase() -> workflows.WorkflowTemplate:
    return workflows.latest("purchase")
