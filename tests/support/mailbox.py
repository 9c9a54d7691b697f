"""The emulator's SES outbox: what Threshold sent, to whom (moto keeps every sent message)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.config import settings

_LINK = re.compile(r"/invitations/([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class Email:
    to: list[str]
    subject: str
    body: str


class Mailbox:
    def __init__(self) -> None:
        ses = boto3.client("sesv2", region_name=settings().region)
        ses.create_email_identity(EmailIdentity=settings().sender_email)
        self._backend = ses_backends[DEFAULT_ACCOUNT_ID][settings().region]
        self._seen = len(self._backend.sent_messages)

    def sent(self) -> list[Email]:
        """Messages sent since this mailbox was opened."""
        return [
            Email(list(m.destinations.get("ToAddresses", [])), m.subject, m.body)
            for m in self._backend.sent_messages[self._seen :]
            if hasattr(m, "subject")
        ]

    def to(self, address: str) -> list[Email]:
        return [m for m in self.sent() if address in m.to]

    def invitation_token(self, address: str) -> str:
        """The token of the latest invitation sent to `address`."""
        found = _LINK.search(self.to(address)[-1].body)
        assert found is not None
        return found.group(1)
