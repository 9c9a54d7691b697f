"""Malware scanning of uploads: GuardDuty Malware Protection for S3 on the documents bucket's upload prefix.

With `malware_scanning: guardduty` in a stage's context, GuardDuty scans every object created under
`orgs/` and tags it `GuardDutyMalwareScanStatus` (`NO_THREATS_FOUND`, `THREATS_FOUND`, ...); the app
(`MALWARE_SCANNING=guardduty`) refuses downloads until the tag says clean. GuardDuty listens through S3's
EventBridge notifications, so the bucket declares them itself (a later stack update would otherwise
remove what GuardDuty switched on). The role below is the one GuardDuty's guide prescribes, scoped to
this bucket, its key, and GuardDuty's own managed EventBridge rule.
"""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_guardduty as guardduty
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.storage import UPLOAD_PREFIX

SERVICE = "malware-protection-plan.guardduty.amazonaws.com"
MANAGED_RULE = "DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"


class MalwareScanning(Construct):
    def __init__(self, scope: Construct, cid: str, *, bucket: s3.Bucket, key: kms.IKey) -> None:
        super().__init__(scope, cid)
        rule_arn = f"arn:{Aws.PARTITION}:events:{Aws.REGION}:{Aws.ACCOUNT_ID}:rule/{MANAGED_RULE}"
        objects = bucket.arn_for_objects(f"{UPLOAD_PREFIX}*")  # the scanned prefix only
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                SERVICE, conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
            ),
            description="GuardDuty Malware Protection scans and tags uploads of the documents bucket",
        )
        statements = [
            iam.PolicyStatement(
                sid="ManageItsEventBridgeRule",
                actions=["events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets"],
                resources=[rule_arn],
                conditions={"StringLike": {"events:ManagedBy": SERVICE}},
            ),
            iam.PolicyStatement(
                sid="WatchItsEventBridgeRule",
                actions=["events:DescribeRule", "events:ListTargetsByRule"],
                resources=[rule_arn],
            ),
            iam.PolicyStatement(
                sid="BucketNotifications",
                actions=["s3:PutBucketNotification", "s3:GetBucketNotification", "s3:ListBucket"],
                resources=[bucket.bucket_arn],
            ),
            iam.PolicyStatement(
                sid="ValidationObject",
                actions=["s3:PutObject"],
                resources=[bucket.arn_for_objects("malware-protection-resource-validation-object")],
            ),
            iam.PolicyStatement(
                sid="ScanAndTag",
                actions=[
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:GetObjectTagging",
                    "s3:GetObjectVersionTagging",
                    "s3:PutObjectTagging",
                    "s3:PutObjectVersionTagging",
                ],
                resources=[objects],
            ),
            iam.PolicyStatement(
                sid="DecryptForScan",
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=[key.key_arn],
                conditions={"StringLike": {"kms:ViaService": f"s3.{Aws.REGION}.amazonaws.com"}},
            ),
        ]
        self.policy = iam.Policy(self, "Policy", roles=[self.role], statements=statements)
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.add_property_override(
            "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True
        )
        self.plan = guardduty.CfnMalwareProtectionPlan(
            self,
            "Plan",
            role=self.role.role_arn,
            protected_resource=guardduty.CfnMalwareProtectionPlan.CFNProtectedResourceProperty(
                s3_bucket=guardduty.CfnMalwareProtectionPlan.S3BucketProperty(
                    bucket_name=bucket.bucket_name, object_prefixes=[UPLOAD_PREFIX]
                )
            ),
            actions=guardduty.CfnMalwareProtectionPlan.CFNActionsProperty(
                tagging=guardduty.CfnMalwareProtectionPlan.CFNTaggingProperty(status="ENABLED")
            ),
        )
        self.plan.node.add_dependency(self.policy)
