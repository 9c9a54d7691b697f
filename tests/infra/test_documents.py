"""The documents bucket: private, TLS only, encrypted with the stage's own key, versioned, uploads from
the portal only, and every upload announced to the ingest queue (which has its dead-letter queue)."""

from __future__ import annotations

from typing import Any

from infra.storage import EXPORTS_PREFIX, QUARANTINE_PREFIX, RETENTION_TAG, UPLOAD_PREFIX
from tests.infra.support import as_list, functions, one, refers_to, resources

BUCKET = "AWS::S3::Bucket"


def documents_bucket(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    found = [(k, v) for k, v in resources(template, BUCKET).items() if k.startswith("DocumentsBucket")]
    assert len(found) == 1
    return found[0]


def test_no_bucket_can_be_made_public(dev: dict[str, Any]) -> None:
    buckets = resources(dev, BUCKET)
    assert len(buckets) == 2  # the documents and their access logs
    for body in buckets.values():
        assert body["Properties"]["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }


def test_documents_are_encrypted_with_the_stages_customer_key_and_versioned(dev: dict[str, Any]) -> None:
    _, bucket = documents_bucket(dev)
    key_id, key = one(dev, "AWS::KMS::Key")
    (rule,) = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert refers_to(rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"], key_id)
    assert key["Properties"]["EnableKeyRotation"] is True
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}


def test_the_browser_may_post_uploads_and_read_previews_only_from_the_portal(dev: dict[str, Any]) -> None:
    _, bucket = documents_bucket(dev)
    (cors,) = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    # POST: the upload form; GET and HEAD: the review queue's in-page preview. Never PUT or DELETE.
    assert sorted(cors["AllowedMethods"]) == ["GET", "HEAD", "POST"]
    assert cors["AllowedOrigins"] == ["https://dev.portal.threshold.example"]


def test_every_bucket_refuses_requests_without_tls(dev: dict[str, Any]) -> None:
    policies = resources(dev, "AWS::S3::BucketPolicy")
    for bucket_id in resources(dev, BUCKET):
        (policy,) = [p for p in policies.values() if refers_to(p["Properties"]["Bucket"], bucket_id)]
        denies = [
            s
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
            if s["Effect"] == "Deny"
            and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        ]
        assert denies, f"{bucket_id} accepts plain HTTP"


def test_quarantine_and_exports_expire_and_closed_deals_cool_down_but_are_kept(dev: dict[str, Any]) -> None:
    _, bucket = documents_bucket(dev)
    rules = {r["Id"]: r for r in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}
    # refused files and exports go away, with their old versions
    assert rules["expire-quarantine"]["Prefix"] == QUARANTINE_PREFIX
    assert rules["expire-quarantine"]["ExpirationInDays"] == 30
    assert rules["expire-exports"]["Prefix"] == EXPORTS_PREFIX
    assert rules["expire-exports"]["ExpirationInDays"] == 7
    # a closed deal's files move to cheaper storage by their tag, and no rule ever deletes them
    closed = rules["retention-deal-closed"]
    assert closed["TagFilters"] == [{"Key": RETENTION_TAG, "Value": "deal-closed"}]
    assert [t["StorageClass"] for t in closed["Transitions"]] == ["STANDARD_IA", "GLACIER_IR"]
    for rule in rules.values():
        if rule.get("Prefix") not in (QUARANTINE_PREFIX, EXPORTS_PREFIX):
            assert not {"ExpirationInDays", "NoncurrentVersionExpiration"} & set(rule), rule["Id"]


def test_uploads_and_only_uploads_reach_the_ingest_queue_which_has_a_dlq(dev: dict[str, Any]) -> None:
    # Given the bucket's notification and the queues
    _, bucket = documents_bucket(dev)
    (target,) = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    queues = resources(dev, "AWS::SQS::Queue")
    (upload_id,) = [k for k, v in queues.items() if v["Properties"]["QueueName"] == "threshold-dev-uploads"]
    (dlq_id,) = [k for k, v in queues.items() if v["Properties"]["QueueName"] == "threshold-dev-uploads-dlq"]

    # Then objects created under the upload prefix go to the upload queue ...
    assert target["Event"] == "s3:ObjectCreated:*"
    assert target["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": UPLOAD_PREFIX}]
    assert refers_to(target["Queue"], upload_id)
    # ... and a message that keeps failing ends in its dead-letter queue
    assert refers_to(queues[upload_id]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"], dlq_id)
    # ... and only this bucket, of this account, may send to the queue
    (policy,) = [
        p
        for p in resources(dev, "AWS::SQS::QueuePolicy").values()
        if any(refers_to(q, upload_id) for q in p["Properties"]["Queues"])
    ]
    (send,) = [
        s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == "S3ObjectCreated"
    ]
    assert send["Principal"] == {"Service": "s3.amazonaws.com"}
    assert "threshold-dev-documents-" in str(send["Condition"]["ArnEquals"]["aws:SourceArn"])
    assert as_list(send["Action"]) == ["sqs:SendMessage"]


def test_prod_scans_uploads_for_malware_and_tells_the_app(prod: dict[str, Any], dev: dict[str, Any]) -> None:
    # Given prod's context says malware_scanning: guardduty
    _, plan = one(prod, "AWS::GuardDuty::MalwareProtectionPlan")
    bucket_id, bucket = documents_bucket(prod)
    protected = plan["Properties"]["ProtectedResource"]["S3Bucket"]

    # Then GuardDuty scans and tags what is uploaded under the upload prefix of the documents bucket
    assert refers_to(protected["BucketName"], bucket_id)
    assert protected["ObjectPrefixes"] == [UPLOAD_PREFIX]
    assert plan["Properties"]["Actions"]["Tagging"]["Status"] == "ENABLED"
    # And the bucket itself keeps the EventBridge notifications GuardDuty listens to
    notifications = bucket["Properties"]["NotificationConfiguration"]
    assert notifications["EventBridgeConfiguration"] == {"EventBridgeEnabled": True}
    assert notifications["QueueConfigurations"]  # alongside the upload queue, not instead of it
    # And every function is told downloads wait for a clean verdict
    for fn in functions(prod).values():
        assert fn["Properties"]["Environment"]["Variables"]["MALWARE_SCANNING"] == "guardduty"
    # While dev (malware_scanning: off) has no plan, and says so to its functions
    assert resources(dev, "AWS::GuardDuty::MalwareProtectionPlan") == {}
    for fn in functions(dev).values():
        assert fn["Properties"]["Environment"]["Variables"]["MALWARE_SCANNING"] == "off"


def test_a_write_asking_for_other_encryption_or_another_key_is_refused(dev: dict[str, Any]) -> None:
    bucket_id, _ = documents_bucket(dev)
    key_id, _ = one(dev, "AWS::KMS::Key")
    (policy,) = [
        p
        for p in resources(dev, "AWS::S3::BucketPolicy").values()
        if refers_to(p["Properties"]["Bucket"], bucket_id)
    ]
    denies = {
        s["Sid"]: s["Condition"]
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s["Action"] == "s3:PutObject"
    }
    header = "s3:x-amz-server-side-encryption"
    # a write naming another encryption is refused ...
    assert denies["OnlyKmsEncryption"]["StringNotEquals"] == {header: "aws:kms"}
    assert refers_to(denies["OnlyTheStageKey"]["StringNotEquals"][f"{header}-aws-kms-key-id"], key_id)
    # ... but only when it names one: a write naming none gets the bucket's default (the stage key)
    assert denies["OnlyKmsEncryption"]["Null"] == {header: "false"}
    assert denies["OnlyTheStageKey"]["Null"] == {f"{header}-aws-kms-key-id": "false"}


def test_the_bucket_prefixes_are_the_ones_the_app_writes() -> None:
    from chalicelib.store import exports, objects

    assert objects.UPLOAD_KEY.startswith(UPLOAD_PREFIX)
    assert objects.QUARANTINE_PREFIX == QUARANTINE_PREFIX
    assert exports.PREFIX == EXPORTS_PREFIX
