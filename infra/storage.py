"""The data plane: the single table, the documents bucket and its key, the upload queue and its DLQ."""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.domain.documents import RETENTION_TAG, Retention
from chalicelib.store import schema
from infra.stages import StageConfig

# Object prefixes of the documents bucket, as chalicelib/store/objects.py and store/exports.py write them.
# Uploads land under `orgs/` (the presigned POST key, PRODUCT.md §5); only those notify the upload queue,
# so quarantining or exporting an object cannot feed the ingest loop.
UPLOAD_PREFIX = "orgs/"
QUARANTINE_PREFIX = "quarantine/"
EXPORTS_PREFIX = "exports/"
QUARANTINE_DAYS = 30
EXPORT_DAYS = 7
# org-owned templates (docs/TEMPLATES.md): definitions too large for an item, kept as long as their version
TEMPLATES_PREFIX = "templates/"

# Retention classes: the object tag `retention` the documents code sets (docs/DOCUMENTS.md, Retention).
# `deal-open` files never move or expire. `deal-closed` files cool down (infrequent access after 90 days,
# Glacier Instant Retrieval after a year: same millisecond reads, cheaper to keep) and are NOT expired by
# the lifecycle: S3 counts days from an object's upload, not from its deal's closing, so a rule could
# delete a lease's files before seven years after the lease ended. `quarantine` files go with their prefix.
DEAL_CLOSED = Retention.DEAL_CLOSED.value
COOL_DOWN = ((90, "STANDARD_IA"), (365, "GLACIER_IR"))


def removal(config: StageConfig) -> RemovalPolicy:
    return RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY


class Table(Construct):
    """The single table, shaped by chalicelib/store/schema.py (the module the store and local mode use)."""

    def __init__(self, scope: Construct, cid: str, *, config: StageConfig) -> None:
        super().__init__(scope, cid)
        string = dynamodb.AttributeType.STRING
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=config.prefix,
            partition_key=dynamodb.Attribute(name=schema.PARTITION_KEY, type=string),
            sort_key=dynamodb.Attribute(name=schema.SORT_KEY, type=string),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=schema.TTL_ATTRIBUTE,
            stream=dynamodb.StreamViewType(schema.STREAM_VIEW),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            deletion_protection=config.retain_data,
            removal_policy=removal(config),
        )
        for index, (pk, sk) in schema.GLOBAL_INDEXES.items():
            self.table.add_global_secondary_index(
                index_name=index,
                partition_key=dynamodb.Attribute(name=pk, type=string),
                sort_key=dynamodb.Attribute(name=sk, type=string),
                projection_type=dynamodb.ProjectionType.ALL,
            )


def encrypted_queue(scope: Construct, cid: str, name: str, **kwargs: object) -> sqs.Queue:
    return sqs.Queue(
        scope,
        cid,
        queue_name=name,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        **kwargs,
    )


class Documents(Construct):
    """The documents bucket (SSE-KMS, the stage's key), its access-log bucket, the upload queue and DLQ."""

    def __init__(self, scope: Construct, cid: str, *, config: StageConfig, key: kms.IKey) -> None:
        super().__init__(scope, cid)
        self.upload_dlq = encrypted_queue(
            self, "UploadDlq", f"{config.upload_queue_name}-dlq", retention_period=Duration.days(14)
        )
        self.upload_queue = encrypted_queue(
            self,
            "UploadQueue",
            config.upload_queue_name,
            # ≥ 6 × the ingest function's timeout, as Lambda advises for SQS sources
            visibility_timeout=Duration.seconds(6 * 60),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.upload_dlq, max_receive_count=5),
        )
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            bucket_name=f"{config.prefix}-access-logs-{Aws.ACCOUNT_ID}-{Aws.REGION}",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,  # the log delivery service cannot write SSE-KMS
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(365))],
            removal_policy=removal(config),
            auto_delete_objects=False,
        )
        self.bucket_name = f"{config.prefix}-documents-{Aws.ACCOUNT_ID}-{Aws.REGION}"
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=self.bucket_name,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="documents/",
            cors=[
                # POST: the browser's presigned upload form. GET and HEAD: the review queue's in-page preview
                # fetches the bytes from a presigned download link (docs/PORTAL.md, "In-page preview").
                # Still only from the portal's own origins; the presigned URL remains the credential.
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                    allowed_origins=list(config.portal_origins),
                    allowed_headers=["*"],
                    exposed_headers=["ETag", "Location"],
                    max_age=600,
                )
            ],
            lifecycle_rules=lifecycle_rules(),
            removal_policy=removal(config),
        )
        self._require_the_stage_key(key)
        self._notify_upload_queue()

    def _require_the_stage_key(self, key: kms.IKey) -> None:
        """Objects are encrypted with the stage's key: the bucket default, which a write gets by naming no
        encryption at all. A write that names another encryption (e.g. `x-amz-server-side-encryption:
        AES256`) or another key is refused, rather than stored under weaker or foreign encryption. (Each
        deny needs its header present — `Null: false` — since a negated condition on an absent header is
        true, which would refuse the writes that rely on the default.)"""
        objects = self.bucket.arn_for_objects("*")
        for sid, header, wanted in (
            ("OnlyKmsEncryption", "s3:x-amz-server-side-encryption", "aws:kms"),
            ("OnlyTheStageKey", "s3:x-amz-server-side-encryption-aws-kms-key-id", key.key_arn),
        ):
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=sid,
                    effect=iam.Effect.DENY,
                    principals=[iam.AnyPrincipal()],
                    actions=["s3:PutObject"],
                    resources=[objects],
                    conditions={"StringNotEquals": {header: wanted}, "Null": {header: "false"}},
                )
            )

    def _notify_upload_queue(self) -> None:
        """ObjectCreated under `orgs/` → the upload queue, declared on the bucket itself (no custom resource).

        The queue policy names the bucket by its ARN string, so the bucket can depend on the policy (S3
        checks it can deliver when the notification is configured) without a dependency cycle."""
        bucket_arn = f"arn:{Aws.PARTITION}:s3:::{self.bucket_name}"
        self.upload_queue.add_to_resource_policy(
            iam.PolicyStatement(
                sid="S3ObjectCreated",
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.upload_queue.queue_arn],
                conditions={
                    "ArnEquals": {"aws:SourceArn": bucket_arn},
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                },
            )
        )
        policy = self.upload_queue.node.try_find_child("Policy")  # one per queue: TLS-only and S3 send
        assert policy is not None
        cfn_bucket = self.bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*",
                    queue=self.upload_queue.queue_arn,
                    filter=s3.CfnBucket.NotificationFilterProperty(
                        s3_key=s3.CfnBucket.S3KeyFilterProperty(
                            rules=[s3.CfnBucket.FilterRuleProperty(name="prefix", value=UPLOAD_PREFIX)]
                        )
                    ),
                )
            ]
        )
        cfn_bucket.node.add_dependency(policy)


def lifecycle_rules() -> list[s3.LifecycleRule]:
    """Noncurrent versions under `orgs/` never expire: a recorded document version can be a noncurrent S3
    version (its form was POSTed twice), and nothing may delete a recorded version."""
    classes = {
        "STANDARD_IA": s3.StorageClass.INFREQUENT_ACCESS,
        "GLACIER_IR": s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
    }
    return [
        s3.LifecycleRule(
            id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)
        ),
        s3.LifecycleRule(
            id="expire-quarantine",
            prefix=QUARANTINE_PREFIX,
            expiration=Duration.days(QUARANTINE_DAYS),
            noncurrent_version_expiration=Duration.days(1),
        ),
        s3.LifecycleRule(
            id="expire-exports",
            prefix=EXPORTS_PREFIX,
            expiration=Duration.days(EXPORT_DAYS),
            noncurrent_version_expiration=Duration.days(1),
        ),
        s3.LifecycleRule(
            id=f"retention-{DEAL_CLOSED}",
            prefix=UPLOAD_PREFIX,
            tag_filters={RETENTION_TAG: DEAL_CLOSED},
            transitions=[
                s3.Transition(storage_class=classes[name], transition_after=Duration.days(days))
                for days, name in COOL_DOWN
            ],
        ),
    ]
