"""The single table as deployed: the shape chalicelib/store/schema.py declares, recoverable, streamed."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match

from chalicelib.store import schema
from tests.infra.support import assertions, one

TABLE = "AWS::DynamoDB::Table"


def test_the_table_has_the_keys_indexes_ttl_and_stream_the_store_uses(dev: dict[str, Any]) -> None:
    # Given the dev template / When we read its table
    _, table = one(dev, TABLE)
    props = table["Properties"]

    # Then its keys and indexes are exactly those of the schema module the store queries
    assert props["KeySchema"] == [
        {"AttributeName": schema.PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": schema.SORT_KEY, "KeyType": "RANGE"},
    ]
    indexes = {
        gsi["IndexName"]: tuple(k["AttributeName"] for k in gsi["KeySchema"])
        for gsi in props["GlobalSecondaryIndexes"]
    }
    assert indexes == schema.GLOBAL_INDEXES
    assert {a["AttributeName"] for a in props["AttributeDefinitions"]} == set(schema.key_attributes())
    # And it is on demand, expires items by the TTL attribute, and streams both images for the outbox
    assertions(dev).has_resource_properties(
        TABLE,
        {
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": schema.TTL_ATTRIBUTE, "Enabled": True},
            "StreamSpecification": {"StreamViewType": schema.STREAM_VIEW},
            "SSESpecification": {"SSEEnabled": True},
        },
    )


def test_every_stage_can_restore_the_table_to_a_point_in_time(
    dev: dict[str, Any], prod: dict[str, Any]
) -> None:
    for template in (dev, prod):
        assertions(template).has_resource_properties(
            TABLE, {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}
        )


def test_prod_table_survives_a_stack_deletion_and_refuses_to_be_deleted(prod: dict[str, Any]) -> None:
    assertions(prod).has_resource(
        TABLE,
        {
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": Match.object_like({"DeletionProtectionEnabled": True}),
        },
    )


def test_dev_table_goes_away_with_its_stack(dev: dict[str, Any]) -> None:
    _, table = one(dev, TABLE)
    assert table["DeletionPolicy"] == "Delete"
    assert table["Properties"].get("DeletionProtectionEnabled") is not True
