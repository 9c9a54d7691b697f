"""The emulator keeps DynamoDB's guarantees that the product relies on (devstack/moto_patches.py):
ClientRequestToken idempotency, serialised transactions, no trace of a cancelled transaction, and a
bounded memory however many writes it serves."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.config import settings
from devstack import moto_patches

TABLE = settings().table_name


@pytest.fixture
def ddb(table):
    return boto3.client("dynamodb", region_name=settings().region)


def put(pk: str, version: int = 1) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": TABLE,
            "Item": {"PK": {"S": pk}, "SK": {"S": "X"}, "version": {"N": str(version)}},
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }


def bump(pk: str, expected: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": {"PK": {"S": pk}, "SK": {"S": "X"}},
            "UpdateExpression": "SET version = :next",
            "ConditionExpression": "version = :expected",
            "ExpressionAttributeValues": {
                ":next": {"N": str(expected + 1)},
                ":expected": {"N": str(expected)},
            },
        }
    }


def code_of(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


def test_the_same_token_and_request_succeed_again_without_a_second_write(ddb):
    ddb.transact_write_items(TransactItems=[put("A")], ClientRequestToken="t-1")
    ddb.transact_write_items(TransactItems=[put("A")], ClientRequestToken="t-1")  # would fail its condition
    with pytest.raises(ClientError) as without_token:
        ddb.transact_write_items(TransactItems=[put("A")])
    assert code_of(without_token.value) == "TransactionCanceledException"


def test_the_same_token_with_another_request_is_an_idempotent_parameter_mismatch(ddb):
    ddb.transact_write_items(TransactItems=[put("A")], ClientRequestToken="t-2")
    with pytest.raises(ClientError) as refused:
        ddb.transact_write_items(TransactItems=[put("B")], ClientRequestToken="t-2")
    assert code_of(refused.value) == "IdempotentParameterMismatchException"
    assert "Item" not in ddb.get_item(TableName=TABLE, Key={"PK": {"S": "B"}, "SK": {"S": "X"}})


def test_a_token_is_forgotten_ten_minutes_after_its_request_completed(ddb, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(moto_patches, "clock", lambda: now[0])
    ddb.transact_write_items(TransactItems=[put("A")], ClientRequestToken="t-3")
    now[0] += 601
    with pytest.raises(ClientError) as treated_as_new:
        ddb.transact_write_items(TransactItems=[put("A")], ClientRequestToken="t-3")
    assert code_of(treated_as_new.value) == "TransactionCanceledException"


def test_a_cancelled_transaction_does_not_use_up_its_token_nor_leave_any_trace(ddb):
    ddb.transact_write_items(TransactItems=[put("A")])
    stream_before = _stream_length()
    with pytest.raises(ClientError):
        ddb.transact_write_items(TransactItems=[put("B"), put("A")], ClientRequestToken="t-4")
    assert "Item" not in ddb.get_item(TableName=TABLE, Key={"PK": {"S": "B"}, "SK": {"S": "X"}})
    assert _stream_length() == stream_before  # a cancelled transaction writes no stream record
    ddb.transact_write_items(TransactItems=[put("B")], ClientRequestToken="t-4")  # the token is still free
    assert "Item" in ddb.get_item(TableName=TABLE, Key={"PK": {"S": "B"}, "SK": {"S": "X"}})


def test_thirty_parallel_transactions_with_one_expected_version_let_exactly_one_through(ddb):
    ddb.transact_write_items(TransactItems=[put("A")])
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            ddb.transact_write_items(
                TransactItems=[bump("A", expected=1), put(f"event-{threading.get_ident()}")]
            )
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(code_of(error))

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(outcomes)) == ["TransactionCanceledException", "ok"] and outcomes.count("ok") == 1
    item = ddb.get_item(TableName=TABLE, Key={"PK": {"S": "A"}, "SK": {"S": "X"}})["Item"]
    assert item["version"] == {"N": "2"}
    events = ddb.scan(
        TableName=TABLE,
        FilterExpression="begins_with(PK, :e)",
        ExpressionAttributeValues={":e": {"S": "event-"}},
    )
    assert events["Count"] == 1


def test_the_stream_and_its_iterators_stay_bounded(ddb, monkeypatch):
    monkeypatch.setattr(moto_patches, "STREAM_RECORDS_KEPT", 50)
    for n in range(120):
        ddb.transact_write_items(TransactItems=[put(f"P{n}")])
    assert _stream_length() == 50
    streams = boto3.client(
        "dynamodbstreams", region_name=settings().region, config=Config(account_id_endpoint_mode="disabled")
    )
    arn = ddb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)["Records"]
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in records] == [f"P{n}" for n in range(70, 120)]


def _stream_length() -> int:
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends["123456789012"][settings().region]
    shard = backend.tables[TABLE].stream_shard
    return len(shard.items) if shard is not None else 0


def test_items_written_and_replaced_are_not_kept_alive_by_the_emulator(ddb):
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    def tracked() -> int:
        return sum(len(getattr(model, "instances_tracked", [])) for model in (Item, Table))

    tracked_before = tracked()
    ddb.transact_write_items(TransactItems=[put("A")])
    for version in range(1, 51):
        ddb.transact_write_items(TransactItems=[bump("A", expected=version)])
    assert tracked() == tracked_before
