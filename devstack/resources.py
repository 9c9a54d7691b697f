"""Every AWS resource Threshold uses, created in the emulator (local mode and the test suite).

The table's shape comes from chalicelib/store/schema.py, the same source the CDK app reads.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
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


def upload_queue_url(config: Settings) -> str:
    sqs = boto3.client("sqs", region_name=config.region)
    return sqs.get_queue_url(QueueName=config.upload_queue_name)["QueueUrl"]


def create_documents_storage(config: Settings) -> list[str]:
    """The documents bucket (versioned, encrypted, CORS for the portal's browser uploads) and its
    ObjectCreated notifications for `orgs/` keys to the upload queue, which has a dead-letter queue.
    Safe to call again (the test suite does, once per session)."""
    s3 = boto3.client("s3", region_name=config.region)
    sqs = boto3.client("sqs", region_name=config.region)
    s3.create_bucket(Bucket=config.documents_bucket)
    s3.put_bucket_versioning(Bucket=config.documents_bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=config.documents_bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_cors(
        Bucket=config.documents_bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": list(config.portal_origins),
                    "AllowedMethods": ["POST", "GET"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 600,
                }
            ]
        },
    )
    dlq_url = sqs.create_queue(
        QueueName=f"{config.upload_queue_name}-dlq", Attributes={"MessageRetentionPeriod": "1209600"}
    )["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    queue_url = sqs.create_queue(
        QueueName=config.upload_queue_name,
        Attributes={
            "VisibilityTimeout": "60",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
        },
    )["QueueUrl"]
    queue_arn = _queue_arn(sqs, queue_url)
    bucket_arn = f"arn:aws:s3:::{config.documents_bucket}"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnLike": {"aws:SourceArn": bucket_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    s3.put_bucket_notification_configuration(
        Bucket=config.documents_bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "orgs/"}]}},
                }
            ]
        },
    )
    return [
        f"S3 bucket       {config.documents_bucket} (versioned; ObjectCreated under orgs/ → SQS)",
        f"SQS queues      {config.upload_queue_name} (dead letters: {config.upload_queue_name}-dlq)",
        create_export_queue(config),
    ]


# -- exports worker (issue 18) -----------------------------------------------------------------------
EXPORT_QUEUE_VISIBILITY = "1800"  # 6 × the worker's 300 s, as infra/exports.py sets it


def export_queue_name() -> str:
    return os.environ["EXPORT_QUEUE_NAME"]


def create_export_queue(config: Settings) -> str:
    """The export queue (one message = one slice of an export job) and its dead-letter queue, shaped as
    deployed (infra/exports.py). Created with the documents storage, whose bucket the exports are in."""
    sqs = boto3.client("sqs", region_name=config.region)
    name = export_queue_name()
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq", Attributes={"MessageRetentionPeriod": "1209600"})[
        "QueueUrl"
    ]
    sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": EXPORT_QUEUE_VISIBILITY,
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": _queue_arn(sqs, dlq_url), "maxReceiveCount": "5"}
            ),
        },
    )
    return f"SQS queues      {name} (export slices → export_worker; dead letters: {name}-dlq)"


def export_queue_url(config: Settings) -> str:
    sqs = boto3.client("sqs", region_name=config.region)
    return str(sqs.get_queue_url(QueueName=export_queue_name())["QueueUrl"])


def _queue_arn(sqs: Any, url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


USER_POOL_NAME = "threshold-local"
LOCAL_CLIENT_NAME = "threshold-local-portal"


@dataclass(frozen=True)
class UserPool:
    pool_id: str
    client_id: str
    region: str

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"


def create_user_pool(region: str) -> UserPool:
    """The user pool invitees get a user in, shaped like the deployed one (infra/identity.py): invitation
    only, the email is the username, the same password policy and 7-day temporary passwords. Created
    before the app reads its settings, which carry its id (USER_POOL_ID).

    The local client also allows USER_PASSWORD_AUTH besides SRP: the emulator does not check SRP
    proofs, so only a password flow shows that the temporary password, then the chosen one, is what
    signs the invitee in. The deployed client allows SRP only."""
    cognito = boto3.client("cognito-idp", region_name=region)
    pool = cognito.create_user_pool(
        PoolName=USER_POOL_NAME,
        UsernameAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        AutoVerifiedAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            }
        },
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=LOCAL_CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "email_verified", "name"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    create_resource_server(cognito, pool["Id"])  # issue 16: API clients' scopes
    return UserPool(pool["Id"], client["ClientId"], region)


def create_resource_server(cognito: Any, pool_id: str) -> None:
    """The `threshold` resource server whose scopes API clients hold, as infra/identity.py declares it."""
    from chalicelib.domain.api_clients import RESOURCE_SERVER, SCOPE_DESCRIPTIONS

    cognito.create_resource_server(
        UserPoolId=pool_id,
        Identifier=RESOURCE_SERVER,
        Name="Threshold API",
        Scopes=[{"ScopeName": s.value, "ScopeDescription": d} for s, d in SCOPE_DESCRIPTIONS.items()],
    )


def create_account(region: str) -> list[str]:
    """Everything local mode has, in an empty emulator: the user pool first, since its id and its client's are
    settings (USER_POOL_ID, USER_POOL_CLIENT_ID) — the settings are read again once it exists — then
    `create_all`. Returns the banner's lines."""
    from chalicelib.config import settings

    pool = create_user_pool(region)
    os.environ.update({"USER_POOL_ID": pool.pool_id, "USER_POOL_CLIENT_ID": pool.client_id})
    settings.cache_clear()
    return create_all(settings())


def create_all(config: Settings) -> list[str]:
    """Create everything; returns a line per resource for the local-mode banner."""
    create_table(config)
    storage = create_documents_storage(config)
    events = boto3.client("events", region_name=config.region)
    events.create_event_bus(Name=config.event_bus_name)
    ses = boto3.client("sesv2", region_name=config.region)
    ses.create_email_identity(EmailIdentity=config.sender_email)
    feedback_topic = os.environ["SES_FEEDBACK_TOPIC_NAME"]
    boto3.client("sns", region_name=config.region).create_topic(Name=feedback_topic)
    return [
        f"DynamoDB table  {config.table_name} (stream: new and old images, TTL on {schema.TTL_ATTRIBUTE})",
        *storage,
        f"EventBridge bus {config.event_bus_name}",
        f"SES identity    {config.sender_email}",
        f"SNS topic       {feedback_topic} (SES bounces and complaints → ses_feedback)",
        f"Cognito pool    {config.user_pool_id} (invitees get a user here; docs/DEPLOY.md, Invitees)",
    ]
