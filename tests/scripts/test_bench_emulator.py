"""`make bench`'s shortcut through the emulator answers a partition's Query exactly as moto does: the same
pages, in the same order, ending at the same keys (scripts/bench_emulator.py)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from scripts.bench_emulator import partition_queries, put_items

TABLE = "bench-equivalence"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def table() -> Any:
    client = boto3.client("dynamodb", region_name=REGION)
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in ("pk", "sk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    )
    items = [
        {
            "pk": {"S": f"P#{p}"},
            "sk": {"S": f"{kind}#{n:04d}"},
            "pad": {"S": "x" * (40_000 if n % 9 == 0 else 50)},
        }
        for p in range(3)
        for kind in ("A", "EV", "Z")
        for n in range(0, 120, 1 + p)
    ]
    assert put_items(REGION, TABLE, items) == len(items)
    yield client
    client.delete_table(TableName=TABLE)


def _pages(client: Any, **query: Any) -> list[tuple[list[Any], Any]]:
    pages, start = [], None
    while True:
        kwargs = {**query, **({"ExclusiveStartKey": start} if start else {})}
        reply = client.query(TableName=TABLE, **kwargs)
        start = reply.get("LastEvaluatedKey")
        pages.append(([i["sk"]["S"] for i in reply["Items"]], start))
        if start is None:
            return pages


QUERIES = [
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P#0"}}, "Limit": 7},
    {
        "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "P#1"}, ":a": {"S": "EV#0010"}, ":b": {"S": "EV#0100"}},
        "Limit": 9,
    },
    {
        "KeyConditionExpression": "pk = :p AND begins_with(sk, :a)",
        "ExpressionAttributeValues": {":p": {"S": "P#2"}, ":a": {"S": "EV#"}},
        "ScanIndexForward": False,
        "Limit": 5,
    },
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P#0"}}},  # 1 MB pages
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "P#9"}}},  # nothing
    {
        "KeyConditionExpression": "pk = :p",
        "FilterExpression": "begins_with(sk, :z)",
        "ExpressionAttributeValues": {":p": {"S": "P#1"}, ":z": {"S": "Z#"}},
        "Limit": 11,
    },
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_partition_query_pages_as_the_emulator_does(table: Any, query: dict[str, Any], monkeypatch) -> None:
    from moto.dynamodb.models.table import Table

    expected = _pages(table, **query)
    walks: list[int] = []
    every_item = Table.all_items

    def counted(self: Any) -> Any:
        walks.append(1)
        return every_item(self)

    monkeypatch.setattr(Table, "all_items", counted)
    with partition_queries():
        found = _pages(table, **query)
    assert found == expected
    assert not walks  # answered from the partition, not by moto's walk of the whole table
    assert len(expected) > 1 or "P#9" in str(query)  # paged (by Limit or by 1 MB), but for the empty one
