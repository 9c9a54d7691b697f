"""The emulator's transactions keep DynamoDB's promise after devstack/moto_patches.py's speed-up: a
cancelled TransactWriteItems leaves every item it named, and the table stream, as they were."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from chalicelib.config import settings


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
