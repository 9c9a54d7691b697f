"""The documents bucket: upload keys, presigned forms and links, reading, tagging and quarantine.

The only module that talks to S3. One client, created on first use (boto3 is not imported at cold start).
Object keys are declared here once: `orgs/{org}/deals/{deal}/requests/{request}/{upload_id}`; the
client's file name is metadata, never part of a key.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import settings
from chalicelib.domain.documents import RETENTION_TAG, Retention
from chalicelib.domain.errors import Unavailable

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

UPLOAD_KEY = "orgs/{org_id}/deals/{deal_id}/requests/{request_id}/{upload_id}"
_ID = r"[a-z]{1,5}_[a-z0-9]{26}"
_UPLOAD_KEY = re.compile(
    rf"^orgs/(?P<org_id>{_ID})/deals/(?P<deal_id>{_ID})/requests/(?P<request_id>{_ID})"
    r"/(?P<upload_id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
QUARANTINE_PREFIX = "quarantine/"
# Writes name no encryption: the bucket's default applies (the stage's KMS key in AWS, infra/; SSE-S3 in
# local mode). Naming AES256 here would override that key, and the bucket policy refuses such writes.
SCAN_TAG = "GuardDutyMalwareScanStatus"
SCAN_CLEAN = "NO_THREATS_FOUND"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class UploadKey:
    org_id: str
    deal_id: str
    request_id: str
    upload_id: str

    @property
    def key(self) -> str:
        return UPLOAD_KEY.format(
            org_id=self.org_id, deal_id=self.deal_id, request_id=self.request_id, upload_id=self.upload_id
        )


def parse_upload_key(key: str) -> UploadKey | None:
    match = _UPLOAD_KEY.match(key)
    return UploadKey(**match.groupdict()) if match else None


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str | None
    sha256: str
    head: bytes  # the first bytes, for the type check
    version_id: str | None  # S3's object version, where the bucket keeps versions


class MissingObject(Exception):
    """No object at the key (already moved, or never there)."""


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")


class TooLarge(Exception):
    """The object is bigger than allowed (found while reading it, whatever its headers said)."""


@functools.cache
def client() -> S3Client:
    import boto3  # deferred: only document routes and the ingest need S3

    config = Config(
        signature_version="s3v4",
        connect_timeout=2,
        read_timeout=10,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path" if settings().is_local else "virtual"},
    )
    return boto3.client("s3", region_name=settings().region, config=config)


def bucket() -> str:
    return settings().documents_bucket


@contextmanager
def translated() -> Iterator[None]:
    """S3 faults become a retryable 503 for the API; the ingest lets SQS redeliver."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise Unavailable("file storage is unavailable; please retry", code="storage_unavailable") from exc


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _tagging_xml(tags: dict[str, str]) -> str:
    body = "".join(f"<Tag><Key>{_escape(k)}</Key><Value>{_escape(v)}</Value></Tag>" for k, v in tags.items())
    return f"<Tagging><TagSet>{body}</TagSet></Tagging>"


def presigned_post(
    key: str,
    *,
    content_type: str,
    max_bytes: int,
    file_name: str,
    upload_id: str,
    tags: dict[str, str],
    expires_in: int,
) -> dict[str, Any]:
    """A browser form bound to one key, one content type and a size range (the bucket encrypts by default).
    Every field the browser sends is pinned by a policy condition (S3 refuses any other value)."""
    fields = {
        "Content-Type": content_type,
        "x-amz-meta-original-name": quote(file_name, safe=""),
        "x-amz-meta-upload-id": upload_id,
        "tagging": _tagging_xml(tags),
    }
    conditions: list[Any] = [{name: value} for name, value in fields.items()]
    conditions.append(["content-length-range", 1, max_bytes])
    with translated():
        form = client().generate_presigned_post(
            bucket(), key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
        )
    return {"url": form["url"], "fields": form["fields"]}


def read(key: str, max_bytes: int) -> StoredObject | None:
    """The object's size, declared type, SHA-256 and first bytes, streamed; None if it is gone."""
    try:
        reply = client().get_object(Bucket=bucket(), Key=key)
    except ClientError as exc:
        if _missing(exc):
            return None
        raise
    digest = hashlib.sha256()
    head = b""
    size = 0
    for chunk in reply["Body"].iter_chunks(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            reply["Body"].close()
            raise TooLarge()
        if len(head) < 512:
            head += chunk[: 512 - len(head)]
        digest.update(chunk)
    version = reply.get("VersionId")
    return StoredObject(
        size,
        reply.get("ContentType"),
        digest.hexdigest(),
        head,
        version if version not in (None, "null") else None,
    )


def exists(key: str) -> bool:
    """Is there an object at `key`? One HeadObject (an upload that S3 holds and the ingest has not read)."""
    try:
        client().head_object(Bucket=bucket(), Key=key)
    except ClientError as exc:
        if _missing(exc) or exc.response.get("Error", {}).get("Code") in ("404", "NotFound"):
            return False
        raise
    return True


def tags(key: str) -> dict[str, str]:
    try:
        reply = client().get_object_tagging(Bucket=bucket(), Key=key)
    except ClientError as exc:
        if _missing(exc):
            raise MissingObject(key) from exc
        raise
    return {t["Key"]: t["Value"] for t in reply["TagSet"]}


def ensure_tags(key: str, wanted: dict[str, str]) -> bool:
    """Merge `wanted` into the object's tags (S3 replaces a tag set whole, and GuardDuty writes its own
    tag on the same object, so the current set is read first). Returns whether anything was written."""
    current = tags(key)
    if all(current.get(k) == v for k, v in wanted.items()):
        return False
    merged = {**current, **wanted}
    client().put_object_tagging(
        Bucket=bucket(), Key=key, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in merged.items()]}
    )
    return True


def quarantine(key: str, reason: str) -> str | None:
    """Move an object under `quarantine/` (copy, then delete the original). Idempotent: a second call
    finds the original gone and does nothing. Returns the quarantine key, or None if nothing moved."""
    target = QUARANTINE_PREFIX + key
    try:
        copied = client().copy_object(
            Bucket=bucket(),
            Key=target,
            CopySource={"Bucket": bucket(), "Key": key},
            TaggingDirective="REPLACE",
            Tagging=f"{RETENTION_TAG}={Retention.QUARANTINE.value}&reason={quote(reason, safe='')}",
        )
    except ClientError as exc:
        if _missing(exc):
            return None
        raise
    # On a versioned bucket, deleting the copied version itself removes the file from `orgs/` for good
    # (a plain delete would only hide it behind a delete marker).
    version = copied.get("CopySourceVersionId")
    if version and version != "null":
        client().delete_object(Bucket=bucket(), Key=key, VersionId=version)
    else:
        client().delete_object(Bucket=bucket(), Key=key)
    return target


def scan_status(key: str) -> str | None:
    """GuardDuty's verdict on the object, from its tag; None while the scan has not reported."""
    with translated():
        try:
            return tags(key).get(SCAN_TAG)
        except MissingObject:
            return None


def presigned_get(
    key: str, *, version_id: str | None, content_type: str, disposition: str, expires_in: int
) -> str:
    """A short-lived link to exactly the bytes that were checked (pinned to their S3 version, so a later
    write at the same key cannot change what a recorded version downloads)."""
    params: dict[str, Any] = {
        "Bucket": bucket(),
        "Key": key,
        "ResponseContentType": content_type,
        "ResponseContentDisposition": disposition,
    }
    if version_id:
        params["VersionId"] = version_id
    with translated():
        url: str = client().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)
    return url


# -- e-signature (docs/ESIGN.md) ------------------------------------------------------------------


def read_bytes(key: str, *, version_id: str | None, max_bytes: int) -> bytes:
    """A recorded version's exact bytes (pinned to its S3 version): what is sent for signature."""
    params: dict[str, Any] = {"Bucket": bucket(), "Key": key}
    if version_id:
        params["VersionId"] = version_id
    with translated():
        reply = client().get_object(**params)
        data: bytes = reply["Body"].read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge()
    return data


def put_upload(
    key: str, body: bytes, *, content_type: str, file_name: str, upload_id: str, tags: dict[str, str]
) -> None:
    """Write a file to an upload key as a browser's form would (same metadata and tags), so the S3 →
    SQS → ingest pipeline checks it like any upload (the signed PDF of an envelope)."""
    with translated():
        client().put_object(
            Bucket=bucket(),
            Key=key,
            Body=body,
            ContentType=content_type,
            Metadata={"original-name": quote(file_name, safe=""), "upload-id": upload_id},
            Tagging="&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in tags.items()),
        )
