"""Outgoing email through SES v2. The client is created once, on first use (boto3 loads lazily)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from chalicelib.config import settings

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client


@functools.cache
def _ses() -> SESV2Client:
    import boto3
    from botocore.config import Config

    client: SESV2Client = boto3.client(
        "sesv2",
        region_name=settings().region,
        config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2}),
    )
    return client


def send(to: str, subject: str, text: str) -> str:
    """Send a plain-text email from the configured sender; returns SES's message id."""
    content: Any = {"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}}}
    reply = _ses().send_email(
        FromEmailAddress=settings().sender_email,
        Destination={"ToAddresses": [to]},
        Content=content,
    )
    return str(reply.get("MessageId", ""))
