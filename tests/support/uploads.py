"""Uploading as a browser does: ask the API for a form, POST it as multipart/form-data to S3 (moto), and
run the ingest the way Lambda would, by draining the upload queue into the `ingest_uploads` handler."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import boto3
import requests

from chalicelib.config import settings
from devstack.queue_trigger import upload_queue_trigger
from tests.support.api import Api

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
PORTAL = "http://localhost:3000"


def browser_multipart(
    fields: dict[str, str], file_name: str, content: bytes, content_type: str
) -> tuple[bytes, str]:
    """The body and Content-Type a browser's FormData produces: every field in order, the file last."""
    boundary = "----WebKitFormBoundary" + secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")[:16]
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_to_s3(form: dict[str, Any], file_name: str, content: bytes, content_type: str) -> requests.Response:
    body, header = browser_multipart(form["fields"], file_name, content, content_type)
    return requests.post(
        form["url"], data=body, headers={"Content-Type": header, "Origin": PORTAL}, timeout=10
    )


def ingest() -> int:
    """Run the ingest over everything waiting in the upload queue; returns how many messages it finished."""
    trigger = upload_queue_trigger()
    handled = 0
    while True:
        done = trigger.poll()
        if done == 0:
            return handled
        handled += done


def s3() -> Any:
    return boto3.client("s3", region_name=settings().region)


def object_exists(key: str) -> bool:
    listed = s3().list_objects_v2(Bucket=settings().documents_bucket, Prefix=key)
    return any(o["Key"] == key for o in listed.get("Contents", []))


def send_raw(body: dict[str, Any] | str) -> None:
    sqs = boto3.client("sqs", region_name=settings().region)
    url = sqs.get_queue_url(QueueName=settings().upload_queue_name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=body if isinstance(body, str) else json.dumps(body))


def s3_event(key: str, *, size: int = 10) -> dict[str, Any]:
    from urllib.parse import quote_plus

    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Post",
                "eventTime": "2026-01-01T00:00:00.000Z",
                "s3": {
                    "bucket": {"name": settings().documents_bucket},
                    "object": {"key": quote_plus(key), "size": size},
                },
            }
        ]
    }


@dataclass
class Uploader:
    """A person uploading to one request of one deal, through the API and S3."""

    api: Api
    deal_id: str
    request_id: str
    email: str

    def form(self, file_name: str = "letter.pdf", content_type: str = "application/pdf", **extra: Any) -> Any:
        return self.api.post(
            f"/v1/deals/{self.deal_id}/document-requests/{self.request_id}/uploads",
            {"file_name": file_name, "content_type": content_type, **extra},
            as_user=self.email,
        )

    def upload(
        self,
        content: bytes = PDF,
        *,
        file_name: str = "letter.pdf",
        content_type: str = "application/pdf",
        declared: str | None = None,
    ) -> dict[str, Any]:
        """Get a form, POST the file as a browser would; returns the form. (Run `ingest()` after.)"""
        reply = self.form(file_name, declared or content_type)
        assert reply.status == 201, reply.json
        sent = post_to_s3(reply.json, file_name, content, content_type)
        assert sent.status_code == 204, sent.text
        return dict(reply.json)
