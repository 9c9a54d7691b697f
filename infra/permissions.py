"""Least privilege, per function: what each Lambda function of the app may do, and nothing else.

Every function the app declares must be listed here (or be a `runbook_*`): synthesis fails on an unknown
one rather than hand it a broad role. Grants name their resources; no statement allows `*` actions, and
no function may Scan the table (PRODUCT.md: no Scan anywhere) — IAM enforces what the code promises.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, replace

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs

from chalicelib.domain.exports import WORKER_TIMEOUT_SECONDS
from infra.storage import EXPORTS_PREFIX, QUARANTINE_PREFIX, TEMPLATES_PREFIX, UPLOAD_PREFIX

TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"]
TABLE_WRITE = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
]
STREAM_READ = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
]
QUEUE_CONSUME = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
]


@dataclass(frozen=True)
class Resources:
    """The stack's resources a grant can name."""

    table_arn: str
    table_stream_arn: str
    bucket_arn: str
    key: kms.IKey
    upload_queue: sqs.IQueue
    event_bus_arn: str
    ses_identity_arn: str
    ses_configuration_set_arn: str
    sender_email: str
    user_pool_arn: str
    feedback_topic_arn: str
    ses_recipient_identity_arns: tuple[str, ...] = ()  # the SES sandbox's verified recipients
    export_queue: sqs.IQueue | None = None  # exports worker (issue 18): slices of export jobs


Grant = Callable[[Resources], list[iam.PolicyStatement]]


def _statement(sid: str, actions: list[str], resources: list[str], **kw: object) -> iam.PolicyStatement:
    return iam.PolicyStatement(sid=sid, actions=actions, resources=resources, **kw)


def table(r: Resources) -> list[iam.PolicyStatement]:
    items = [r.table_arn, f"{r.table_arn}/index/*"]
    return [_statement("TableItems", TABLE_READ + TABLE_WRITE, items)]


def table_stream(r: Resources) -> list[iam.PolicyStatement]:
    return [_statement("TableStream", STREAM_READ, [r.table_stream_arn])]


def _objects(r: Resources, *prefixes: str) -> list[str]:
    return [f"{r.bucket_arn}/{prefix}*" for prefix in prefixes]


def _key_via_s3(r: Resources) -> iam.PolicyStatement:
    return _statement(
        "DocumentsKey",
        ["kms:Decrypt", "kms:GenerateDataKey"],
        [r.key.key_arn],
        conditions={"StringEquals": {"kms:ViaService": f"s3.{Aws.REGION}.amazonaws.com"}},
    )


def documents_api(r: Resources) -> list[iam.PolicyStatement]:
    """Presigned POSTs for uploads and presigned GETs for downloads are signed with this role."""
    return [
        # the upload form asks S3 to tag the object, which needs PutObjectTagging besides PutObject
        _statement("SignUploads", ["s3:PutObject", "s3:PutObjectTagging"], _objects(r, UPLOAD_PREFIX)),
        _statement(
            "SignDownloads",
            ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"],
            _objects(r, UPLOAD_PREFIX),
        ),
        # GET …/uploads/{id} asks S3 whether a form's file arrived (HeadObject): without ListBucket on the
        # bucket S3 answers a missing object with 403, not 404. Not narrowed by an `s3:prefix` condition:
        # a HeadObject request carries no prefix, so such a condition would never match it. Key names
        # hold ids only (no names, no emails).
        _statement("FindUploads", ["s3:ListBucket"], [r.bucket_arn]),
        _key_via_s3(r),
    ]


def archive(r: Resources) -> list[iam.PolicyStatement]:
    """A closed deal's files change retention class: read and rewrite their tags (runbooks that close or
    archive a deal; the API's transition has the same through documents_api)."""
    return [
        _statement(
            "ArchiveTags",
            [
                "s3:GetObjectTagging",
                "s3:GetObjectVersionTagging",
                "s3:PutObjectTagging",
                "s3:PutObjectVersionTagging",
            ],
            _objects(r, UPLOAD_PREFIX),
        ),
        _key_via_s3(r),
    ]


def exports(r: Resources) -> list[iam.PolicyStatement]:
    """Activity exports: streamed under exports/ as a multipart upload with a tag (PutObject covers create,
    upload part and complete; PutObjectTagging the tag; a failed export aborts and may list its parts),
    handed back as presigned GETs."""
    return [
        _statement(
            "Exports",
            [
                "s3:PutObject",
                "s3:PutObjectTagging",
                "s3:GetObject",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            _objects(r, EXPORTS_PREFIX),
        ),
        _key_via_s3(r),
    ]


def ingest(r: Resources) -> list[iam.PolicyStatement]:
    """Re-validate an upload, tag it, or move it to quarantine."""
    return [
        _statement("UploadQueue", QUEUE_CONSUME, [r.upload_queue.queue_arn]),
        _statement(
            "Uploads",
            [
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:GetObjectTagging",
                "s3:PutObjectTagging",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",  # the quarantine move deletes the exact version it copied
            ],
            _objects(r, UPLOAD_PREFIX, QUARANTINE_PREFIX),
        ),
        _key_via_s3(r),
    ]


def domain_events(r: Resources) -> list[iam.PolicyStatement]:
    return [_statement("DomainEvents", ["events:PutEvents"], [r.event_bus_arn])]


def email(r: Resources) -> list[iam.PolicyStatement]:
    """SES authorizes a send against the sender's identity and the configuration set, and in the sandbox
    against each recipient's identity too (only verified recipients exist there)."""
    return [
        _statement(
            "SendEmail",
            ["ses:SendEmail", "ses:SendRawEmail"],
            [r.ses_identity_arn, r.ses_configuration_set_arn, *r.ses_recipient_identity_arns],
            conditions={"StringEquals": {"ses:FromAddress": r.sender_email}},
        )
    ]


def invitees(r: Resources) -> list[iam.PolicyStatement]:
    """An invitation creates (or finds) the invitee's Cognito user, whose first sign-in mail Cognito sends
    (chalicelib/store/accounts.py, docs/DEPLOY.md "Invitees")."""
    return [
        _statement(
            "InviteeAccounts", ["cognito-idp:AdminCreateUser", "cognito-idp:AdminGetUser"], [r.user_pool_arn]
        )
    ]


def sms(r: Resources) -> list[iam.PolicyStatement]:
    """SMS goes to phone numbers, which have no ARN: sns:Publish needs `*`, so a deny takes every topic
    and platform endpoint back out — this role can text a phone and publish nowhere else. The opt-out
    check (STOP replies) has no resource-level permission either."""
    return [
        _statement("SendSms", ["sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"], ["*"]),
        _statement(
            "OnlySmsNotTopics",
            ["sns:Publish"],
            [f"arn:{Aws.PARTITION}:sns:*:*:*"],
            effect=iam.Effect.DENY,
        ),
    ]


@dataclass(frozen=True)
class Profile:
    grants: tuple[Grant, ...]
    timeout_seconds: int | None = None  # None: the stage's default from .chalice/config.json


INGEST_TIMEOUT_SECONDS = 60  # the upload queue's visibility timeout is 6× this (storage.py)
PROFILES: dict[str, Profile] = {
    # invitations are emailed after commit; an admin's resend of a notification may text (and checks STOP)
    "api_handler": Profile((table, documents_api, exports, email, invitees, sms)),
    "ingest_uploads": Profile((table, ingest), INGEST_TIMEOUT_SECONDS),
    "outbox": Profile((table, table_stream, domain_events, email, sms), 60),
    "reminder_sweep": Profile((table, email, sms), 120),  # also flushes digests that fell due
    "ses_feedback": Profile((table,), 30),
    # runbooks beyond the common profile: closing or archiving a deal re-tags its files; a resend may text
    "runbook_archive_deal_documents": Profile((table, archive), 300),
    "runbook_override_stage": Profile((table, archive), 300),
    "runbook_resend_notification": Profile((table, email, sms), 300),
    "runbook_resend_invitation": Profile((table, email, invitees), 300),  # a lapsed first-sign-in mail too
    # outbound webhooks (docs/INTEGRATIONS.md): the sweep reads and writes deliveries and endpoints, and
    # emails the org's admins when it disables an endpoint; its HTTP calls go to the internet, not AWS
    "webhook_sweep": Profile((table, email), 120),
}
RUNBOOK_PROFILE = Profile((table, exports, email), 300)  # exports; invitations are emailed


# -- org-owned templates (docs/TEMPLATES.md) ---------------------------------------------------------------


def templates(r: Resources) -> list[iam.PolicyStatement]:
    """A template definition too large for its item is written and read under templates/ (never deleted:
    a published version is kept for the deals that pin it)."""
    return [
        _statement("TemplateDefinitions", ["s3:PutObject", "s3:GetObject"], _objects(r, TEMPLATES_PREFIX)),
        _key_via_s3(r),
    ]


def template_reads(r: Resources) -> list[iam.PolicyStatement]:
    """Functions that act on deals resolve a deal's template (a stage's label, whether it is terminal): a
    large definition is read from templates/, and nothing else of the bucket."""
    return [
        _statement("TemplateDefinitionReads", ["s3:GetObject"], _objects(r, TEMPLATES_PREFIX)),
        _key_via_s3(r),
    ]


PROFILES["api_handler"] = Profile((*PROFILES["api_handler"].grants, templates))
for _name in ("outbox", "reminder_sweep", *(n for n in PROFILES if n.startswith("runbook_"))):
    PROFILES[_name] = dataclasses.replace(PROFILES[_name], grants=(*PROFILES[_name].grants, template_reads))
RUNBOOK_PROFILE = dataclasses.replace(RUNBOOK_PROFILE, grants=(*RUNBOOK_PROFILE.grants, template_reads))


# -- exports worker (issue 18) ------------------------------------------------------------------------
def _export_queue(r: Resources) -> list[str]:
    assert r.export_queue is not None, "the stack passes the export queue (infra/exports.py)"
    return [r.export_queue.queue_arn]


def export_jobs(r: Resources) -> list[iam.PolicyStatement]:
    """Queue an export job for the worker (the API and the export runbook start exports); the queue's URL
    is looked up once per container."""
    return [_statement("QueueExports", ["sqs:SendMessage", "sqs:GetQueueUrl"], _export_queue(r))]


def export_work(r: Resources) -> list[iam.PolicyStatement]:
    """The worker consumes the export queue and queues a job's next slice (or a retry) on it."""
    return [
        _statement("ExportQueue", QUEUE_CONSUME, _export_queue(r)),
        _statement("ExportNextSlice", ["sqs:SendMessage", "sqs:GetQueueUrl"], _export_queue(r)),
    ]


PROFILES["export_worker"] = Profile((table, exports, export_work), WORKER_TIMEOUT_SECONDS)
PROFILES["runbook_export_activity"] = Profile((*RUNBOOK_PROFILE.grants, export_jobs), 300)
PROFILES["api_handler"] = replace(
    PROFILES["api_handler"], grants=(*PROFILES["api_handler"].grants, export_jobs)
)


class UndeclaredFunction(LookupError):
    """The app declares a Lambda function whose permissions infra/permissions.py does not list."""


def profile_for(function_name: str) -> Profile:
    if function_name in PROFILES:
        return PROFILES[function_name]
    if function_name.startswith("runbook_"):
        return RUNBOOK_PROFILE
    raise UndeclaredFunction(
        f"app.py declares the Lambda function {function_name!r}, but infra/permissions.py does not say "
        "what it may do: add it to PROFILES with the grants it needs"
    )


# -- integrations, issue 16: API clients (docs/API_CLIENTS.md) ------------------------------------------


def api_clients(r: Resources) -> list[iam.PolicyStatement]:
    """An admin's API client is a Cognito app client of the stage's pool: created with its scopes, and
    deleted when the client is revoked (chalicelib/store/api_clients.py). Nothing else of the pool."""
    return [
        _statement(
            "ApiClients",
            ["cognito-idp:CreateUserPoolClient", "cognito-idp:DeleteUserPoolClient"],
            [r.user_pool_arn],
        )
    ]


PROFILES["api_handler"] = Profile((*PROFILES["api_handler"].grants, api_clients))
# -- e-signature (docs/ESIGN.md) -------------------------------------------------------------------------


def esign_configuration(r: Resources) -> list[iam.PolicyStatement]:
    """Each org's DocuSign configuration (keys, Connect secrets): an SSM SecureString parameter under
    `/{stack name}/esign/` (the functions' ESIGN_PARAMETER_PREFIX), read-only, nothing else. Encrypted
    with the AWS managed key aws/ssm, whose key policy lets the account's principals decrypt through SSM:
    no kms grant here."""
    parameters = f"arn:{Aws.PARTITION}:ssm:{Aws.REGION}:{Aws.ACCOUNT_ID}:parameter/{Aws.STACK_NAME}/esign/*"
    return [_statement("EsignConfiguration", ["ssm:GetParameter"], [parameters])]


# the API sends envelopes and receives the provider's webhook (which writes the signed PDF under orgs/,
# already allowed by documents_api)
PROFILES["api_handler"] = dataclasses.replace(
    PROFILES["api_handler"], grants=(*PROFILES["api_handler"].grants, esign_configuration)
)
