"""Demo org template for `make run`: Harbor & Main's *New York purchase* — the built-in purchase with the
attorney-review stage of docs/TEMPLATES.md's worked example — published for NY, and a Brooklyn purchase
running it.

Run by `make run` only, after `seed_demo()` (the test suite's shared demo data stays as other tests count
it; tests/templates/test_demo.py runs this on a fresh copy of it). Goes through the same services as the API.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from chalicelib.services import templates
from chalicelib.services.principals import caller_for
from devstack.seed import HARBOR, Demo, DemoDeal, _seed_deal

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "TEMPLATES.md"
ADMIN = "ada.admin@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
DEAL = (
    "ny_purchase",
    HARBOR,
    COORDINATOR,
    "purchase",
    "Nguyen purchase — 18 Prospect Pl",
    ("18 Prospect Pl", "Brooklyn", "NY", "11217"),
    None,
    {"offer_accepted": -2},
    "attorney_review",
    {"carl.client@mail.example": "client", "ann@closinglaw.example": "attorney"},
)


def worked_example() -> dict[str, Any]:
    """The YAML block of docs/TEMPLATES.md's worked example (the doc is the single source)."""
    block = re.search(r"<!-- example: ny-attorney-review -->\n```yaml\n(.*?)```", EXAMPLE.read_text(), re.S)
    if block is None:
        raise RuntimeError("docs/TEMPLATES.md lost its worked example")
    loaded: dict[str, Any] = yaml.safe_load(block.group(1))
    return loaded


def with_example(definition: dict[str, Any], example: dict[str, Any]) -> dict[str, Any]:
    """The edit the doc describes: the stage after `stage_after`, the rest appended to their lists."""
    edited = {k: list(v) if isinstance(v, list) else v for k, v in definition.items()}
    at = [s["key"] for s in edited["stages"]].index(example["stage_after"]) + 1
    edited["stages"][at:at] = example["stages"]
    for part in ("key_dates", "tasks", "documents"):
        edited[part] = edited[part] + example[part]
    return edited


def seed_templates(demo: Demo) -> str:
    """Publish *New York purchase* for NY and open a deal on it, moved to attorney review."""
    org = demo.orgs[HARBOR]
    coordinator, admin = caller_for(COORDINATOR, None), caller_for(ADMIN, None)
    draft, document = templates.create(
        coordinator,
        from_template="purchase",
        from_version=None,
        name="New York purchase",
        states=["NY"],
        org_id=org,
    )
    templates.replace_draft(
        coordinator, draft.template_id, org, with_example(document, worked_example()), draft.version
    )
    templates.publish(admin, draft.template_id, org, None)
    demo.deals[DEAL[0]] = _seed_deal(demo, *DEAL)
    return draft.template_id


__all__ = ["DemoDeal", "seed_templates", "with_example", "worked_example"]
