"""Accounts through the API: short calls and the people of the demo brokerage."""

from __future__ import annotations

from typing import Any

import boto3

from chalicelib.config import settings
from tests.support.api import Api

ADMIN = "ada.admin@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"
RIVAL_ADMIN = "rhea.admin@rivalrealty.example"

INVESTORS = [
    {"name": "Ivy Investor", "email": "ivy@oakcapital.example", "role": "primary", "phone": "617 555 0150"},
    {"name": "Ian Partner", "email": "ian@oakcapital.example", "role": "signer"},
]


def create(
    api: Api,
    name: str = "Oak Capital LLC",
    kind: str = "investor_entity",
    members: list[dict[str, Any]] | None = None,
    as_user: str = AGENT,
) -> dict[str, Any]:
    body = {"kind": kind, "name": name, "members": INVESTORS if members is None else members}
    reply = api.post("/v1/accounts", body, as_user=as_user)
    assert reply.status == 201, reply.json
    return reply.json


def all_items() -> list[dict[str, Any]]:
    client = boto3.client("dynamodb", region_name=settings().region)
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(TableName=settings().table_name):
        items += page["Items"]
    return items


def account_items() -> list[dict[str, Any]]:
    return [i for i in all_items() if i["PK"]["S"].startswith("ACCOUNT")]
