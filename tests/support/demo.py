"""Who is who in the demo data (devstack/seed.py), for tests that walk roles and deals."""

from __future__ import annotations

from dataclasses import dataclass

from devstack.seed import Demo


@dataclass(frozen=True)
class Persona:
    role: str  # the row of PRODUCT.md §1's table
    email: str
    on_deal: str  # a deal key they are on (admins and coordinators reach every deal of their org)
    same_org_deal: str  # another deal of that org, which they are not on
    other_org_deal: str  # a deal of the rival org


PERSONAS = [
    Persona("admin", "ada.admin@harbormain.example", "park_purchase", "quick_purchase", "rival_listing"),
    Persona(
        "coordinator", "cora.coord@harbormain.example", "park_purchase", "quick_purchase", "rival_listing"
    ),
    Persona("agent", "alex.agent@harbormain.example", "park_purchase", "quick_purchase", "rival_listing"),
    Persona("client", "bianca.buyer@mail.example", "park_purchase", "quick_purchase", "rival_listing"),
    Persona("co_client", "ben.buyer@mail.example", "park_purchase", "quick_purchase", "rival_listing"),
    Persona("vendor", "victor@fixitplumbing.example", "sink_repair", "main_lease", "rival_listing"),
    Persona("lender", "lena@firstharborbank.example", "park_purchase", "quick_purchase", "rival_listing"),
    Persona("title", "tom@clearskytitle.example", "park_purchase", "quick_purchase", "rival_listing"),
    Persona("attorney", "ann@closinglaw.example", "park_purchase", "quick_purchase", "rival_listing"),
]
STAFF_ROLES = {"admin", "coordinator", "agent"}
OPS_ROLES = {"admin", "coordinator"}
ADMIN = "ada.admin@harbormain.example"
RIVAL_ADMIN = "rhea.admin@rivalrealty.example"


def deal_id(demo: Demo, key: str) -> str:
    return demo.deals[key].deal_id
