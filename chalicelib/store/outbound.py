"""The outbound adapters: SES v2 (email), SNS (SMS) and EventBridge (domain events).

Clients are created on first use, once per process (boto3 loads nothing at API cold start for them).
In local mode every outgoing email and SMS is also printed to the console, whole — except the unsubscribe
token, which is a credential and is never printed or logged.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import settings

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient

SOURCE = "threshold"
_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})
_UNSUBSCRIBE_TOKEN = re.compile(r"(/unsubscribe/)[A-Za-z0-9_.-]+")
# Provider answers meaning "this message will never go": no retry
PERMANENT = frozenset(
    {
        "MessageRejected",
        "InvalidParameterValue",
        "InvalidParameter",
        "BadRequestException",
        "NotFoundException",
    }
)


class SendFailed(Exception):
    def __init__(self, code: str, permanent: bool) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent


@functools.cache
def _client(service: str) -> Any:
    import boto3

    return boto3.client(service, region_name=settings().region, config=_CONFIG)  # type: ignore[call-overload]


def ses() -> SESV2Client:
    client: SESV2Client = _client("sesv2")
    return client


def sns() -> SNSClient:
    client: SNSClient = _client("sns")
    return client


def eventbridge() -> EventBridgeClient:
    client: EventBridgeClient = _client("events")
    return client


def _failed(exc: Exception) -> SendFailed:
    code = exc.response.get("Error", {}).get("Code", "Error") if isinstance(exc, ClientError) else "Network"
    return SendFailed(str(code), str(code) in PERMANENT)


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str
    tags: dict[str, str]


def send_email(message: OutgoingEmail) -> str:
    """Send through SES v2; returns the SES message id. Tags let SES feedback find the notification."""
    _print_local(f"EMAIL to {message.to}\nSubject: {message.subject}\n\n{message.text}")
    try:
        reply = ses().send_email(
            FromEmailAddress=settings().sender_email,
            Destination={"ToAddresses": [message.to]},
            Content={
                "Simple": {
                    "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": message.text, "Charset": "UTF-8"},
                        "Html": {"Data": message.html, "Charset": "UTF-8"},
                    },
                    "Headers": [{"Name": "List-Unsubscribe", "Value": f"<{message.unsubscribe_url}>"}],
                }
            },
            EmailTags=[{"Name": k, "Value": v} for k, v in message.tags.items()],
        )
    except (ClientError, BotoCoreError) as exc:
        raise _failed(exc) from exc
    return str(reply["MessageId"])


def phone_opted_out(phone: str) -> bool:
    """SNS keeps the list of numbers that replied STOP; checked before every SMS, so STOP is honoured
    at once."""
    try:
        return bool(sns().check_if_phone_number_is_opted_out(phoneNumber=phone)["isOptedOut"])
    except (ClientError, BotoCoreError) as exc:
        raise _failed(exc) from exc


def send_sms(phone: str, text: str) -> str:
    _print_local(f"SMS to {phone}\n{text}")
    try:
        reply = sns().publish(
            PhoneNumber=phone,
            Message=text,
            MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            },
        )
    except (ClientError, BotoCoreError) as exc:
        raise _failed(exc) from exc
    return str(reply["MessageId"])


class PublishFailed(Exception):
    pass


def publish_event(detail_type: str, detail: dict[str, Any], at: datetime) -> None:
    """One domain event on the bus. PutEvents can fail per entry with a 200: that is a failure too."""
    try:
        reply = eventbridge().put_events(
            Entries=[
                {
                    "Source": SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail, sort_keys=True, default=str),
                    "EventBusName": settings().event_bus_name,
                    "Time": at,
                }
            ]
        )
    except (ClientError, BotoCoreError) as exc:
        raise PublishFailed(str(exc)) from exc
    if reply.get("FailedEntryCount"):
        codes = [e.get("ErrorCode") for e in reply.get("Entries", []) if e.get("ErrorCode")]
        raise PublishFailed(f"EventBridge refused the event: {codes}")


def _print_local(text: str) -> None:
    if settings().is_local:
        shown = _UNSUBSCRIBE_TOKEN.sub(r"\1<token>", text)
        print(f"\n----- outgoing {shown}\n-----", flush=True)
