"""Every AWS resource Threshold uses, created in the emulator (local mode and the test suite).

The table's shape comes from chalicelib/store/schema.py, the same source the CDK app reads.
"""

from __future__ import annotations

import os
from typing import Any

import boto3

from chalicelib.config import Settings
from chalicelib.store import schema


def table_definition(name: str) -> dict[str, Any]:
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in schema.key_attributes()],
        "KeySchema": [
            {"AttributeName": schema.PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": schema.SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": pk, "KeyType": "HASH"},
                    {"AttributeName": sk, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, (pk, sk) in schema.GLOBAL_INDEXES.items()
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": schema.STREAM_VIEW},
    }


def create_table(config: Settings) -> None:
    dynamodb = boto3.client("dynamodb", region_name=config.region)
    dynamodb.create_table(**table_definition(config.table_name))
    dynamodb.get_waiter("table_exists").wait(TableName=config.table_name)
    dynamodb.update_time_to_live(
        TableName=config.table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": schema.TTL_ATTRIBUTE},
    )


def drop_table(config: Settings) -> None:
    dynamodb = boto3.client("dynamodb", region_name=config.region)
    if config.table_name in dynamodb.list_tables()["TableNames"]:
        dynamodb.delete_table(TableName=config.table_name)


def create_all(config: Settings) -> list[str]:
    """Create everything; returns a line per resource for the local-mode banner."""
    create_table(config)
    s3 = boto3.client("s3", region_name=config.region)
    s3.create_bucket(Bucket=config.documents_bucket)
    events = boto3.client("events", region_name=config.region)
    events.create_event_bus(Name=config.event_bus_name)
    ses = boto3.client("sesv2", region_name=config.region)
    ses.create_email_identity(EmailIdentity=config.sender_email)
    feedback_topic = os.environ["SES_FEEDBACK_TOPIC_NAME"]
    boto3.client("sns", region_name=config.region).create_topic(Name=feedback_topic)
    return [
        f"DynamoDB table  {config.table_name} (stream: new and old images, TTL on {schema.TTL_ATTRIBUTE})",
        f"S3 bucket       {config.documents_bucket}",
        f"EventBridge bus {config.event_bus_name}",
        f"SES identity    {config.sender_email}",
        f"SNS topic       {feedback_topic} (SES bounces and complaints → ses_feedback)",
    ]
