"""Seed the demo data once per test session and restore it into a fresh table in milliseconds.

(moto copies a whole table on every transaction, so re-seeding through the services for each test
would cost seconds; restoring the items it produced is a handful of BatchWriteItem calls.)"""

from __future__ import annotations

import copy
from typing import Any

import boto3

from chalicelib.config import settings
from devstack import resources
from devstack.seed import Demo, seed_demo


class DemoSnapshot:
    def __init__(self) -> None:
        resources.drop_table(settings())
        resources.create_table(settings())
        self.demo = seed_demo()
        client = boto3.client("dynamodb", region_name=settings().region)
        self.items: list[dict[str, Any]] = []
        for page in client.get_paginator("scan").paginate(TableName=settings().table_name):
            self.items += page["Items"]

    def restore(self) -> Demo:
        resources.drop_table(settings())
        resources.create_table(settings())
        client = boto3.client("dynamodb", region_name=settings().region)
        for start in range(0, len(self.items), 25):
            batch: list[Any] = [{"PutRequest": {"Item": item}} for item in self.items[start : start + 25]]
            client.batch_write_item(RequestItems={settings().table_name: batch})
        return copy.deepcopy(self.demo)  # a test that adds to its Demo (a deal, a client) changes no other
