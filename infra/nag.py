"""cdk-nag: the AwsSolutions pack runs on every synth; each accepted finding is suppressed here, on the
narrowest resource, with the reason a reviewer needs (docs/DEPLOY.md, "Security checks")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdk_nag import NagPackSuppression, NagSuppressions, RegexAppliesTo

if TYPE_CHECKING:
    from infra.stack import ThresholdStack


def _regex(pattern: str) -> RegexAppliesTo:
    return RegexAppliesTo(regex=f"/{pattern}/g")


DOCUMENT_PREFIXES = NagPackSuppression(
    id="AwsSolutions-IAM5",
    reason="objects under one prefix of the documents bucket (orgs/ uploads, quarantine/, exports/); "
    "keys are server-generated per upload, so a prefix is the narrowest static grant",
    applies_to=[_regex(r"^Resource::<DocumentsBucket[A-Za-z0-9]+\.Arn>\/(orgs|quarantine|exports)\/\*$")],
)
# Wildcards inside a named resource, each for a reason (IAM5 reports every `*` in a resource string).
FUNCTION_WILDCARDS = [
    NagPackSuppression(
        id="AwsSolutions-IAM5",
        reason="X-Ray (PutTraceSegments, PutTelemetryRecords) and SNS's opt-out check have no resource-level "
        "permissions; sns:Publish to a phone number (SMS) has no ARN, and a deny takes every topic back out",
        applies_to=["Resource::*"],
    ),
    NagPackSuppression(
        id="AwsSolutions-IAM5",
        reason="the deny that keeps SMS publishing off every topic and endpoint must match all of them",
        applies_to=["Resource::arn:<AWS::Partition>:sns:*:*:*"],
    ),
    NagPackSuppression(
        id="AwsSolutions-IAM5",
        reason="the single table's own global secondary indexes (the access patterns in docs/DATA_MODEL.md)",
        applies_to=[_regex(r"^Resource::<DataTable[A-Za-z0-9]+\.Arn>\/index\/\*$")],
    ),
    DOCUMENT_PREFIXES,
]
# org-owned templates (docs/TEMPLATES.md): large definitions under one prefix, keys server-generated
FUNCTION_WILDCARDS.append(
    NagPackSuppression(
        id="AwsSolutions-IAM5",
        reason="template definitions too large for their item, under templates/ of the documents bucket; "
        "keys are server-generated per template version, so the prefix is the narrowest static grant",
        applies_to=[_regex(r"^Resource::<DocumentsBucket[A-Za-z0-9]+\.Arn>\/templates\/\*$")],
    )
)
# e-signature (docs/ESIGN.md): one SSM parameter per org under the stage's own path
FUNCTION_WILDCARDS.append(
    NagPackSuppression(
        id="AwsSolutions-IAM5",
        reason="each org's e-signature configuration is its own SecureString parameter under the stack's "
        "esign/ path (named by org id, which is created at run time); the grant is read-only, that path only",
        applies_to=[
            "Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/<AWS::StackName>/esign/*"
        ],
    )
)


def suppress(stack: ThresholdStack) -> None:
    NagSuppressions.add_resource_suppressions(stack.app.policies, FUNCTION_WILDCARDS)
    for fn in stack.app.functions:
        NagSuppressions.add_resource_suppressions(fn.role, FUNCTION_WILDCARDS, apply_to_children=True)
    if stack.scanning is not None:
        NagSuppressions.add_resource_suppressions(
            stack.scanning.policy,
            [
                DOCUMENT_PREFIXES,
                NagPackSuppression(
                    id="AwsSolutions-IAM5",
                    reason="GuardDuty names its managed EventBridge rule itself, under this fixed prefix; "
                    "the ManagedBy condition limits the grant to rules GuardDuty manages",
                    applies_to=[
                        "Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/"
                        "DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"
                    ],
                ),
            ],
        )
    NagSuppressions.add_resource_suppressions(
        [stack.stream_dlq, stack.async_dlq],
        [
            NagPackSuppression(
                id="AwsSolutions-SQS3",
                reason="this queue is itself a dead-letter queue: Lambda's on-failure destination of the "
                "table stream (outbox) or of asynchronous invocations, not an SQS redrive target",
            )
        ],
        apply_to_children=True,
    )
    NagSuppressions.add_resource_suppressions(
        stack.cursor_secret,
        [
            NagPackSuppression(
                id="AwsSolutions-SMG4",
                reason="the signing key of paging cursors and unsubscribe links is read at deploy time (a "
                "dynamic reference); rotating it is a deliberate act (new value, redeploy) because it "
                "invalidates cursors in flight and the unsubscribe links of mail already sent "
                "(docs/DEPLOY.md, Secrets)",
            )
        ],
    )
    NagSuppressions.add_resource_suppressions(
        stack.api_gateway_logs_role,
        [
            NagPackSuppression(
                id="AwsSolutions-IAM4",
                reason="AmazonAPIGatewayPushToCloudWatchLogs is the role policy AWS documents for API "
                "Gateway's account-level logging; it only writes CloudWatch Logs",
                applies_to=[
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                ],
            )
        ],
    )
    NagSuppressions.add_resource_suppressions(
        stack.identity.user_pool,
        [
            NagPackSuppression(
                id="AwsSolutions-COG8",
                reason="the Plus feature plan (threat protection) is billed per monthly active user; "
                "a brokerage turns it on per stage when its budget allows (docs/DEPLOY.md, Cost)",
            )
        ],
    )
