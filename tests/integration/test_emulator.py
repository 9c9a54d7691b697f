"""The emulator keeps its promises after devstack/moto_patches.py's speed-ups: a cancelled TransactWriteItems
leaves every item it named, and the table stream, as they were; items are serialized to the same bytes as
moto's generic serializer gives; a Query that reads only its partition (devstack/moto_speed.py) answers
exactly what moto's walk of the whole table answers; an item's size, summed once, is refused where moto's
attribute-by-attribute check refuses it; a value is sized to the byte as moto sizes it; an item operation's
answer, written as plain JSON, reads back as moto's serializer writes it; an update expression parsed once
applies each request's own values."""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3
import pytest
from botocore.config import Config

from chalicelib.config import settings
from tests.support.demo import deal_id

COORDINATOR = "cora.coord@harbormain.example"


def _records(client, table: str) -> int:
    """How many records the table stream holds."""
    # account-id endpoints are AWS-only: the emulator answers the regional one (devstack/notify.py)
    config = Config(account_id_endpoint_mode="disabled")
    streams = boto3.client("dynamodbstreams", region_name=settings().region, config=config)
    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return len(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])


def test_a_cancelled_transaction_writes_nothing_and_streams_nothing(table):
    client = boto3.client("dynamodb", region_name=settings().region)
    name = settings().table_name

    def key(sk: str) -> dict:
        return {"PK": {"S": "T#1"}, "SK": {"S": sk}}

    # Given two items, one to be updated and one to be deleted
    client.put_item(TableName=name, Item={**key("kept"), "n": {"N": "1"}})
    client.put_item(TableName=name, Item={**key("doomed"), "n": {"N": "1"}})
    before = client.scan(TableName=name)["Items"]
    streamed = _records(client, name)

    # When a transaction puts, updates and deletes, then fails its last condition
    with pytest.raises(client.exceptions.TransactionCanceledException):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": {**key("new"), "n": {"N": "1"}}}},
                {
                    "Update": {
                        "TableName": name,
                        "Key": key("kept"),
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {"Delete": {"TableName": name, "Key": key("doomed")}},
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": key("absent"),
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )

    # Then every item is as it was, and the stream has no record of the writes
    assert sorted(client.scan(TableName=name)["Items"], key=str) == sorted(before, key=str)
    assert _records(client, name) == streamed

    # and a transaction that succeeds afterwards writes and streams as usual
    client.transact_write_items(
        TransactItems=[{"Put": {"TableName": name, "Item": {**key("new"), "n": {"N": "1"}}}}]
    )
    assert len(client.scan(TableName=name)["Items"]) == 3
    assert _records(client, name) == streamed + 1


EVERY_TYPE: dict[str, Any] = {
    "PK": {"S": "T#every"},
    "SK": {"S": "type"},
    "n": {"N": "12.50"},
    "b": {"B": b"\x00\xffbytes"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"x", b"y"]},
    "nothing": {"NULL": True},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "empty": {"S": ""},
    "m": {"M": {"inner": {"L": [{"S": "s"}, {"N": "1"}, {"M": {"deep": {"BOOL": False}}}, {"L": []}]}}},
}


def test_items_are_serialized_as_moto_serializes_them(seeded, monkeypatch):
    from moto.core.serialize import JSONSerializer, XFormedAttributePicker
    from moto.core.utils import get_service_model
    from moto.dynamodb.models import dynamodb_backends

    # Given the demo data and an item with every attribute type
    client = boto3.client("dynamodb", region_name=settings().region)
    client.put_item(TableName=settings().table_name, Item=EVERY_TYPE)
    table = dynamodb_backends["123456789012"][settings().region].tables[settings().table_name]
    items = [i.to_json()["Attributes"] for partition in table.items.values() for i in partition.values()]
    result = {"Items": items, "Count": len(items), "ScannedCount": len(items)}
    query = get_service_model("dynamodb").operation_model("Query")

    def serialized() -> str | bytes:
        serializer = JSONSerializer(operation_model=query, value_picker=XFormedAttributePicker())
        return serializer.serialize(result)["body"]

    # When a Query's answer is serialized with the speed-up, and with moto's own serializer
    fast = serialized()
    generic = JSONSerializer._serialize_type_structure.__wrapped__  # type: ignore[attr-defined]
    monkeypatch.setattr(JSONSerializer, "_serialize_type_structure", generic)

    # Then both are the same bytes
    assert fast == serialized()
    assert isinstance(fast, str) and len(items) > 300 and '"BS"' in fast and '"NULL"' in fast

    # and a client reads every type back as it wrote it
    monkeypatch.undo()
    key = {"PK": EVERY_TYPE["PK"], "SK": EVERY_TYPE["SK"]}
    got = client.get_item(TableName=settings().table_name, Key=key)
    assert got["Item"] == EVERY_TYPE
    assert deal_id(seeded, "park_purchase") in fast


def test_a_query_of_one_partition_answers_as_moto_walking_the_whole_table(seeded, monkeypatch):
    from moto.dynamodb.models.table import Table

    from chalicelib.store import schema

    # Given the demo data: every table partition and every index partition it holds
    client = boto3.client("dynamodb", region_name=settings().region)
    name = settings().table_name
    items = client.scan(TableName=name)["Items"]
    keys: set[tuple[str | None, str, str, str, str]] = {
        (None, "PK", "SK", i["PK"]["S"], i["SK"]["S"]) for i in items
    }
    for index, (pk, sk) in schema.GLOBAL_INDEXES.items():
        keys |= {(index, pk, sk, i[pk]["S"], i[sk]["S"]) for i in items if pk in i and sk in i}
    partitions = sorted({(index, pk, sk, value, first[:3]) for index, pk, sk, value, first in keys}, key=str)
    partitions = partitions[::4]  # a quarter of them, of every kind: moto's whole-table walk is slow

    def pages(index: str | None, pk: str, sk: str, value: str, prefix: str = "", **asked: Any) -> list[Any]:
        """Every page of a Query (by a sort-key prefix when there is one), three items at a time."""
        query: dict[str, Any] = {
            "TableName": name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": pk},
            "ExpressionAttributeValues": {":pk": {"S": value}},
            "Limit": 3,
            **({"IndexName": index} if index else {}),
            **asked,
        }
        if prefix:
            query["KeyConditionExpression"] += " AND begins_with(#sk, :prefix)"
            query["ExpressionAttributeNames"]["#sk"] = sk
            query["ExpressionAttributeValues"][":prefix"] = {"S": prefix}
        answers = [client.query(**query)]
        while "LastEvaluatedKey" in answers[-1]:
            answers.append(client.query(**query, ExclusiveStartKey=answers[-1]["LastEvaluatedKey"]))
        return [{k: v for k, v in a.items() if k != "ResponseMetadata"} for a in answers]

    def every_query() -> list[Any]:
        return [[pages(*p), pages(*p, ScanIndexForward=False), pages(*p[:4])] for p in partitions]

    # When each is queried forward, backward, by a sort-key prefix and paged, with the partition read alone
    fast = every_query()
    # and with moto walking the whole table
    monkeypatch.setattr(Table, "query", Table.query.__wrapped__)  # type: ignore[attr-defined]
    whole = every_query()

    # Then the answers are the same, page by page
    assert fast == whole
    assert len(partitions) > 50 and {p[0] for p in partitions} >= {None, *schema.GLOBAL_INDEXES}
    assert sum(len(page["Items"]) for by_partition in fast for page in by_partition[2]) > len(items) / 4


def test_an_item_is_refused_over_the_size_limit_as_moto_refuses_it(table, monkeypatch):
    from moto.dynamodb.models.dynamo_type import Item

    from devstack.moto_speed import ITEM_SIZE_LIMIT

    client = boto3.client("dynamodb", region_name=settings().region)
    name = settings().table_name

    def item(total: int) -> dict[str, Any]:
        """An item of about `total` bytes, in 40 attributes (moto checked the size after each one)."""
        key = {"PK": {"S": "SIZE#1"}, "SK": {"S": str(total)}}
        rest = total - sum(len(k) + len(v["S"]) for k, v in key.items())
        return {**key, **{f"a{n:02}": {"S": "x" * (rest // 40 - 3)} for n in range(40)}}

    def outcomes() -> list[str]:
        answers = []
        for total in (ITEM_SIZE_LIMIT - 200, ITEM_SIZE_LIMIT + 200):
            try:
                client.put_item(TableName=name, Item=item(total))
                answers.append("stored")
            except client.exceptions.ClientError as refused:
                answers.append(refused.response["Error"]["Message"])
        return answers

    # When an item just under moto's limit and one just over it are written, summed once
    fast = outcomes()
    # and attribute by attribute, as moto does
    monkeypatch.setattr(Item, "__init__", Item.__init__.__wrapped__)  # type: ignore[attr-defined]
    assert outcomes() == fast

    # Then the first is stored and the second refused, both ways
    assert fast[0] == "stored" and "maximum allowed size" in fast[1]


def test_a_value_is_sized_as_moto_sizes_it(seeded):
    from moto.dynamodb.models.dynamo_type import DynamoType

    from tests.support.snapshots import emulated_table

    moto_size = DynamoType.size.__wrapped__  # type: ignore[attr-defined]
    # Given every attribute of every demo item, and a value of each kind DynamoDB has
    values = [
        value
        for partition in emulated_table().items.values()
        for item in partition.values()
        for value in item.attrs.values()
    ]
    kinds: list[dict[str, Any]] = [
        {"S": "Ünïcode ✓"},
        {"N": "-12.50"},
        {"B": b"\x00\x01binary"},
        {"BOOL": False},
        {"NULL": True},
        {"SS": ["a", "ßb"]},
        {"NS": ["1", "22.5"]},
        {"BS": [b"x", b"yz"]},
        {"L": [{"S": "a"}, {"N": "3"}, {"M": {"k": {"L": [{"BOOL": True}]}}}]},
        {"M": {"outer": {"M": {"inner": {"SS": ["s"]}, "n": {"N": "7"}}}, "é": {"NULL": True}}},
    ]
    values += [DynamoType(kind) for kind in kinds]
    # Then both count the same bytes for each
    assert len(values) > 1000 and {v.type for v in values} >= {"S", "N", "M", "L", "BOOL"}
    assert [v.size() for v in values] == [moto_size(v) for v in values]


def test_item_answers_written_as_plain_json_read_back_as_moto_serializer_writes_them(
    seeded, api, monkeypatch
):
    from botocore.parsers import create_parser
    from moto.dynamodb.responses import DynamoResult

    from devstack.moto_speed import PLAIN_JSON_OPERATIONS
    from tests.support.plans import open_deal

    plain = DynamoResult.execute_result
    serialized = plain.__wrapped__  # type: ignore[attr-defined]  # moto's own
    compared: Counter[str] = Counter()

    def both(self: Any, context: Any) -> Any:
        operation = context.operation_model
        fast = plain(self, context)
        if operation.name in PLAIN_JSON_OPERATIONS:
            slow = serialized(self, context)
            read = [
                create_parser("json").parse(
                    {"status_code": status, "headers": headers, "body": str(body).encode()},
                    operation.output_shape,
                )
                for status, headers, body in (fast, slow)
            ]
            assert read[0] == read[1], operation.name
            assert fast[:2] == slow[:2]
            compared[operation.name] += 1
        return fast

    monkeypatch.setattr(DynamoResult, "execute_result", both)

    # When a deal is opened, changed and read through the API, and every attribute type is written and read
    deal = open_deal(api, "purchase", [{"email": "new.client@mail.example", "role": "client"}])
    version = deal["version"]
    assert (
        api.patch(
            f"/v1/deals/{deal['id']}",
            {"title": "Renamed"},
            as_user=COORDINATOR,
            headers={"If-Match": f'"{version}"'},
        ).status
        == 200
    )
    assert api.get(f"/v1/deals/{deal['id']}/tasks", as_user=COORDINATOR).status == 200
    assert api.get("/v1/deals?limit=50", as_user=COORDINATOR).status == 200
    client = boto3.client("dynamodb", region_name=settings().region)
    name = settings().table_name
    key = {"PK": EVERY_TYPE["PK"], "SK": EVERY_TYPE["SK"]}
    client.put_item(TableName=name, Item=EVERY_TYPE)
    assert client.get_item(TableName=name, Key=key)["Item"] == EVERY_TYPE
    client.batch_get_item(RequestItems={name: {"Keys": [key]}})
    client.update_item(
        TableName=name,
        Key=key,
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "3"}},
        ReturnValues="ALL_NEW",
    )
    client.scan(TableName=name, Limit=25)
    client.delete_item(TableName=name, Key=key, ReturnValues="ALL_OLD")

    # Then botocore reads the same answer from the plain JSON as from moto's serializer, for each operation
    assert set(compared) >= {
        "Query",
        "GetItem",
        "BatchGetItem",
        "PutItem",
        "UpdateItem",
    }
    assert {"Scan", "DeleteItem"} <= set(compared) and sum(compared.values()) > 12


EXPRESSION = "SET #c = if_not_exists(#c, :zero) + :one, tags = list_append(if_not_exists(tags, :e), :t)"


def test_an_update_expression_parsed_once_updates_as_moto_parsing_it_each_time(table, monkeypatch):
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

    client = boto3.client("dynamodb", region_name=settings().region)
    name = settings().table_name

    def updates() -> list[dict[str, Any]]:
        seen = []
        for n in range(3):  # one expression text, three sets of values
            key = {"PK": {"S": "T#parse"}, "SK": {"S": str(n % 2)}}
            reply = client.update_item(
                TableName=name,
                Key=key,
                UpdateExpression=EXPRESSION,
                ExpressionAttributeNames={"#c": "count"},
                ExpressionAttributeValues={
                    ":zero": {"N": "0"},
                    ":one": {"N": str(n + 1)},
                    ":e": {"L": []},
                    ":t": {"L": [{"S": f"t{n}"}]},
                },
                ReturnValues="ALL_NEW",
            )
            seen.append(reply["Attributes"])
        return seen

    # When the same expression updates items with other values, parsed once, then parsed every time
    once = updates()
    client.delete_item(TableName=name, Key={"PK": {"S": "T#parse"}, "SK": {"S": "0"}})
    client.delete_item(TableName=name, Key={"PK": {"S": "T#parse"}, "SK": {"S": "1"}})
    monkeypatch.setattr(
        UpdateExpressionParser, "make", classmethod(UpdateExpressionParser.make.__func__.__wrapped__)
    )
    every_time = updates()

    # Then each update applied its own values, the same both ways
    assert once == every_time
    assert once[2]["count"] == {"N": "4"} and once[2]["tags"] == {"L": [{"S": "t0"}, {"S": "t2"}]}
