"""Short calls to the template routes, and the worked example of docs/TEMPLATES.md as data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from chalicelib.domain import workflows
from tests.support.api import Api, Reply

ADMIN = "ada.admin@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
RIVAL_ADMIN = "rhea.admin@rivalrealty.example"
CLIENT = "tess.template@mail.example"
NY = {"line1": "18 Prospect Pl", "city": "Brooklyn", "state": "NY", "postal_code": "11217"}
MA = {"line1": "5 Oak Ave", "city": "Boston", "state": "MA", "postal_code": "02115"}
DOC = Path(__file__).resolve().parents[2] / "docs" / "TEMPLATES.md"


def worked_example() -> dict[str, Any]:
    """The YAML block of docs/TEMPLATES.md's worked example: the doc's example is this test's data."""
    text = DOC.read_text()
    block = re.search(r"<!-- example: ny-attorney-review -->\n```yaml\n(.*?)```", text, re.S)
    assert block, "docs/TEMPLATES.md lost its worked example"
    loaded: dict[str, Any] = yaml.safe_load(block.group(1))
    return loaded


def add_example(definition: dict[str, Any], example: dict[str, Any]) -> dict[str, Any]:
    """The edit the doc describes: the stage after `stage_after`, the rest appended to their lists."""
    edited = {k: list(v) if isinstance(v, list) else v for k, v in definition.items()}
    at = [s["key"] for s in edited["stages"]].index(example["stage_after"]) + 1
    edited["stages"][at:at] = example["stages"]
    for field in ("key_dates", "tasks", "documents"):
        edited[field] = edited[field] + example[field]
    return edited


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
