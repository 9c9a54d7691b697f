"""What IAM authorizes for one recorded AWS call: its actions, resources and request context, in the
deployed stage's names (the suite's names translated through the function environment both share).

Each mapping follows the service's authorization reference: a transaction is authorized item by item, a
versioned S3 read or delete needs its `...Version` action, a tagged write needs `s3:PutObjectTagging`, a copy
that keeps the source's tags reads and writes tags, an object written to or read from a bucket whose
default encryption is a KMS key needs that key through S3 (`kms:ViaService`), SES authorizes the sender's
identity, the configuration set and, in the sandbox, each recipient's identity. An operation not listed
raises NotMapped: the harness must learn it before a function may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.support.iam.deployed import ACCOUNT, PARTITION, PSEUDO, REGION, Stage, _arn
from tests.support.iam.evaluate import Principal, Request


class NotMapped(LookupError):
    """A recorded call the harness does not know how to authorize."""


@dataclass(frozen=True)
class Names:
    """The suite's resource names → the deployed stage's."""

    table: str
    bucket: str
    queue: str
    bus: str
    topic: str
    pool: str
    sender: str
    local: Mapping[str, str]
    bucket_key_arn: str | None  # the documents bucket's default KMS key
    configuration_set: str
    sandbox_recipients: tuple[str, ...]
    export_queue: str = ""  # exports worker (issue 18)

    @classmethod
    def of(cls, stage: Stage, local: Mapping[str, str]) -> Names:
        env = stage.template.environment("api_handler")
        key_arn = None
        for _, body in stage.template.of_type("AWS::S3::Bucket"):
            name = stage.template.resolve(body["Properties"].get("BucketName"))
            if name == env["DOCUMENTS_BUCKET"]:
                rules = body["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                key_arn = rules[0]["ServerSideEncryptionByDefault"].get("KMSMasterKeyID")
                key_arn = str(stage.template.resolve(key_arn)) if key_arn else None
        recipients = [
            str(body["Properties"]["EmailIdentity"])
            for _, body in stage.template.of_type("AWS::SES::EmailIdentity")
            if "@" in str(body["Properties"]["EmailIdentity"])
        ]
        return cls(
            table=env["TABLE_NAME"],
            bucket=env["DOCUMENTS_BUCKET"],
            queue=env["UPLOAD_QUEUE_NAME"],
            bus=env["EVENT_BUS_NAME"],
            topic=env["SES_FEEDBACK_TOPIC_NAME"],
            pool=env["USER_POOL_ID"],
            sender=env["SENDER_EMAIL"],
            local=local,
            bucket_key_arn=key_arn,
            configuration_set=env["SES_CONFIGURATION_SET"],
            sandbox_recipients=tuple(recipients),
            export_queue=env.get("EXPORT_QUEUE_NAME", ""),
        )

    def translate(self, kind: str, local_value: str) -> str:
        known = {
            "TABLE_NAME": self.table,
            "DOCUMENTS_BUCKET": self.bucket,
            "UPLOAD_QUEUE_NAME": self.queue,
            "EVENT_BUS_NAME": self.bus,
            "SES_FEEDBACK_TOPIC_NAME": self.topic,
            "USER_POOL_ID": self.pool,
        }
        if self.local.get(kind) == local_value:
            return known[kind]
        if kind == "UPLOAD_QUEUE_NAME" and local_value == f"{self.local.get(kind)}-dlq":
            return f"{self.queue}-dlq"
        # exports worker (issue 18): the export queue, under the upload queue's kind of name
        if kind == "UPLOAD_QUEUE_NAME" and local_value == self.local.get("EXPORT_QUEUE_NAME"):
            return self.export_queue
        return local_value  # not one of the stack's resources: evaluated as named (and refused)


def _table(n: Names, name: str, index: str | None = None) -> str:
    arn = _arn("dynamodb", f"table/{n.translate('TABLE_NAME', name)}")
    return f"{arn}/index/{index}" if index else arn


def _object(n: Names, bucket: str, key: str) -> str:
    return f"arn:{PARTITION}:s3:::{n.translate('DOCUMENTS_BUCKET', bucket)}/{key}"


def _queue(n: Names, url: str) -> str:
    return _arn("sqs", n.translate("UPLOAD_QUEUE_NAME", url.rsplit("/", 1)[1]))


Needs = list[tuple[str, str, dict[str, Any]]]  # (action, resource, context)


def _dynamodb(n: Names, op: str, p: Mapping[str, Any]) -> Needs:
    item_ops = {
        "Put": "PutItem",
        "Update": "UpdateItem",
        "Delete": "DeleteItem",
        "ConditionCheck": "ConditionCheckItem",
    }
    if op in ("TransactWriteItems", "TransactGetItems"):
        needs: Needs = []
        for item in p["TransactItems"]:
            ((kind, body),) = item.items()
            action = "GetItem" if kind == "Get" else item_ops[kind]
            needs.append((f"dynamodb:{action}", _table(n, body["TableName"]), {}))
        return needs
    if op in ("BatchGetItem", "BatchWriteItem"):
        return [(f"dynamodb:{op}", _table(n, t), {}) for t in p["RequestItems"]]
    return [(f"dynamodb:{op}", _table(n, p["TableName"], p.get("IndexName")), {})]


def _kms(n: Names, bucket: str, action: str) -> Needs:
    if n.translate("DOCUMENTS_BUCKET", bucket) != n.bucket or n.bucket_key_arn is None:
        return []
    return [(action, n.bucket_key_arn, {"kms:ViaService": f"s3.{REGION}.amazonaws.com"})]


def _s3(n: Names, op: str, p: Mapping[str, Any]) -> Needs:
    bucket = p.get("Bucket", "")
    versioned = "VersionId" in p
    encryption = {
        k: p[v]
        for k, v in (
            ("s3:x-amz-server-side-encryption", "ServerSideEncryption"),
            ("s3:x-amz-server-side-encryption-aws-kms-key-id", "SSEKMSKeyId"),
        )
        if v in p
    }
    if op in ("PutObject", "PresignedPost"):
        tagged = "Tagging" in p or "tagging" in p.get("Fields", {})
        needs: Needs = [("s3:PutObject", _object(n, bucket, p["Key"]), encryption)]
        if tagged:
            needs.append(("s3:PutObjectTagging", _object(n, bucket, p["Key"]), {}))
        return needs + _kms(n, bucket, "kms:GenerateDataKey")
    if op in ("GetObject", "HeadObject"):
        action = "s3:GetObjectVersion" if versioned else "s3:GetObject"
        return [(action, _object(n, bucket, p["Key"]), {})] + (
            _kms(n, bucket, "kms:Decrypt") if op == "GetObject" else []
        )
    if op == "CopyObject":
        source = p["CopySource"]
        if isinstance(source, str):
            path, _, query = source.partition("?versionId=")
            source = {
                "Bucket": path.split("/", 1)[0],
                "Key": path.split("/", 1)[1],
                "VersionId": query or None,
            }
        source_object = _object(n, source["Bucket"], source["Key"])
        read = "s3:GetObjectVersion" if source.get("VersionId") else "s3:GetObject"
        needs = [(read, source_object, {}), ("s3:PutObject", _object(n, bucket, p["Key"]), encryption)]
        if p.get("TaggingDirective") == "REPLACE":
            needs.append(("s3:PutObjectTagging", _object(n, bucket, p["Key"]), {}))
        else:  # tags are copied: read them at the source, write them at the destination
            needs.append(
                (
                    "s3:GetObjectVersionTagging" if source.get("VersionId") else "s3:GetObjectTagging",
                    source_object,
                    {},
                )
            )
            needs.append(("s3:PutObjectTagging", _object(n, bucket, p["Key"]), {}))
        return needs + _kms(n, source["Bucket"], "kms:Decrypt") + _kms(n, bucket, "kms:GenerateDataKey")
    if op in MULTIPART:
        return _multipart(n, op, p, bucket, encryption)
    if op in ("DeleteObject", "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging"):
        action = op.replace("Object", "ObjectVersion", 1) if versioned else op
        return [(f"s3:{action}", _object(n, bucket, p["Key"]), {})]
    if op in ("ListObjectsV2", "ListObjects"):
        return [("s3:ListBucket", f"arn:{PARTITION}:s3:::{n.translate('DOCUMENTS_BUCKET', bucket)}", {})]
    raise NotMapped(f"s3:{op}")


MULTIPART = (
    "CreateMultipartUpload",
    "UploadPart",
    "CompleteMultipartUpload",
    "AbortMultipartUpload",
    "ListParts",
)


def _multipart(n: Names, op: str, p: Mapping[str, Any], bucket: str, encryption: dict[str, Any]) -> Needs:
    if op in ("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"):
        # a multipart upload is authorized as PutObject at every step; with a KMS key, S3 asks for both a
        # data key and its decryption (the parts are joined under one key: the S3 user guide, "Multipart
        # upload and permissions")
        needs = [("s3:PutObject", _object(n, bucket, p["Key"]), encryption if op != "UploadPart" else {})]
        if op == "CreateMultipartUpload" and "Tagging" in p:
            needs.append(("s3:PutObjectTagging", _object(n, bucket, p["Key"]), {}))
        return needs + _kms(n, bucket, "kms:GenerateDataKey") + _kms(n, bucket, "kms:Decrypt")
    if op == "AbortMultipartUpload":
        return [("s3:AbortMultipartUpload", _object(n, bucket, p["Key"]), {})]
    return [("s3:ListMultipartUploadParts", _object(n, bucket, p["Key"]), {})]


def _sesv2(n: Names, op: str, p: Mapping[str, Any]) -> Needs:
    if op != "SendEmail":
        raise NotMapped(f"sesv2:{op}")
    sender = n.sender if p["FromEmailAddress"] == n.local.get("SENDER_EMAIL") else p["FromEmailAddress"]
    domain = sender.rsplit("@", 1)[1]
    destination = p.get("Destination", {})
    recipients = [*destination.get("ToAddresses", []), *destination.get("CcAddresses", [])]
    context = {"ses:FromAddress": sender, "ses:Recipients": recipients}
    resources = [_arn("ses", f"identity/{domain}"), _arn("ses", f"configuration-set/{n.configuration_set}")]
    if n.sandbox_recipients:  # the sandbox: only verified recipients; the suite's stand for those
        resources.append(_arn("ses", f"identity/{n.sandbox_recipients[0]}"))
    return [("ses:SendEmail", r, context) for r in resources]


def _simple(
    service: str, resource: Callable[[Names, Mapping[str, Any]], str]
) -> Callable[[Names, str, Mapping[str, Any]], Needs]:
    return lambda n, op, p: [(f"{service}:{op}", resource(n, p), {})]


def _put_events(n: Names, op: str, p: Mapping[str, Any]) -> Needs:
    if op != "PutEvents":
        raise NotMapped(f"events:{op}")
    buses = {e.get("EventBusName", "default") for e in p["Entries"]}
    return [
        ("events:PutEvents", _arn("events", f"event-bus/{n.translate('EVENT_BUS_NAME', b)}"), {})
        for b in buses
    ]


def _sns(n: Names, op: str, p: Mapping[str, Any]) -> Needs:
    if (op == "Publish" and "PhoneNumber" in p) or op == "CheckIfPhoneNumberIsOptedOut":
        return [(f"sns:{op}", "*", {})]  # a phone number has no ARN
    if op == "Publish":
        name = p["TopicArn"].rsplit(":", 1)[1]
        return [("sns:Publish", _arn("sns", n.translate("SES_FEEDBACK_TOPIC_NAME", name)), {})]
    raise NotMapped(f"sns:{op}")


SERVICES: dict[str, Callable[[Names, str, Mapping[str, Any]], Needs]] = {
    "dynamodb": _dynamodb,
    "s3": _s3,
    "sesv2": _sesv2,
    "sns": _sns,
    "events": _put_events,
    "sqs": _simple("sqs", lambda n, p: _queue(n, p["QueueUrl"])),
    "cognito-idp": _simple(
        "cognito-idp",
        lambda n, p: _arn("cognito-idp", f"userpool/{n.translate('USER_POOL_ID', p['UserPoolId'])}"),
    ),
}


# -- exports worker (issue 18): GetQueueUrl names the queue, not its URL ---------------------------------
def _sqs(n: Names, op: str, p: Mapping[str, Any]) -> Needs:
    if op == "GetQueueUrl":
        return [("sqs:GetQueueUrl", _arn("sqs", n.translate("UPLOAD_QUEUE_NAME", p["QueueName"])), {})]
    return [(f"sqs:{op}", _queue(n, p["QueueUrl"]), {})]


SERVICES["sqs"] = _sqs


def requests_for(
    names: Names, role_arn: str, service: str, operation: str, params: Mapping[str, Any]
) -> list[Request]:
    mapping = SERVICES.get(service)
    if mapping is None:
        raise NotMapped(f"{service}:{operation}")
    principal = Principal(arn=role_arn, account=ACCOUNT)
    base = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.2", "aws:PrincipalArn": role_arn}
    return [
        Request(principal, action, resource, {**base, **context})
        for action, resource, context in mapping(names, operation, params)
    ]


# -- e-signature (docs/ESIGN.md): the per-org provider configuration, an SSM SecureString parameter ------
# In the stage it is `/{stack name}/esign/{org}` (infra/environment.py); the harness's stack is "stack".
def _ssm(n: Names, op: str, p: Mapping[str, Any]) -> Needs:
    if op != "GetParameter":
        raise NotMapped(f"ssm:{op}")
    name = str(p["Name"])
    local_prefix = n.local.get("ESIGN_PARAMETER_PREFIX", "")
    if local_prefix and name.startswith(local_prefix + "/"):
        name = f"/{PSEUDO['AWS::StackName']}/esign" + name[len(local_prefix) :]
    # SecureString with the AWS managed key aws/ssm: its key policy lets the account's principals decrypt
    # through SSM, so the role needs ssm:GetParameter only
    return [("ssm:GetParameter", _arn("ssm", "parameter" + name), {})]


SERVICES["ssm"] = _ssm
