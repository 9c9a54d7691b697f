"""Logger, metrics and tracer (Powertools), wired once and imported by every layer.

Logs are JSON with a correlation id. Emails, phone numbers, bearer tokens and presigned URL signatures
are masked in every record, whatever the call site passes, because a masking habit at call sites is
one forgotten argument away from a leak.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

SERVICE = "threshold"

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# E.164 (+15551234567) or North American (555) 123-4567 / 555-123-4567; never digits inside ids or UUIDs
_PHONE = re.compile(r"(?<![\w-])(?:\+\d{6,13}|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{2})(\d{2})(?![\w-])")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_INVITATION_LINK = re.compile(r"(/invitations/)[A-Za-z0-9_-]{43}")  # a link's token is a password
_CALENDAR_LINK = re.compile(r"(/calendar/)[A-Za-z0-9_-]{20,64}")  # issue 16: a feed URL is a credential
_SIGNED_QUERY = re.compile(
    r"(?i)([?&](?:X-Amz-[A-Za-z-]+|Signature|AWSAccessKeyId|x-amz-security-token)=)[^&\s\"']+"
)


def mask(text: str) -> str:
    """Mask PII and secrets inside free text: a@b.com → a***@b.com, +15551234567 → ***67."""
    text = _JWT.sub("***jwt***", text)
    text = _BEARER.sub(r"\1***", text)
    text = _SIGNED_QUERY.sub(r"\1***", text)
    text = _INVITATION_LINK.sub(r"\1***", text)
    text = _CALENDAR_LINK.sub(r"\1***", text)
    text = _EMAIL.sub(r"\1***@\2", text)
    return _PHONE.sub(r"***\1", text)


def mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v) for v in value]
    return value


class MaskingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: Any) -> str:
        return super().serialize(mask_value(log))


logger = Logger(service=SERVICE, logger_formatter=MaskingFormatter())
logging.getLogger("pynamodb").setLevel(logging.WARNING)
# Invocations that record no business metric are normal; Powertools warns on each of them.
warnings.filterwarnings("ignore", message="No application metrics to publish")
metrics = Metrics(namespace="Threshold", service=SERVICE)


def tracing_enabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "").lower() not in {"1", "true"}


_tracer: Any = None


def tracer() -> Any:
    """The Powertools Tracer, created on first use: it loads the X-Ray SDK (~0.3 s), which must not
    weigh on the API module's import and is never loaded where tracing is disabled (local, tests)."""
    global _tracer
    if _tracer is None:
        from aws_lambda_powertools import Tracer

        _tracer = Tracer(service=SERVICE)
    return _tracer


def tracing(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware for every function: one X-Ray subsegment per invocation when tracing is on."""
    if not tracing_enabled():
        return get_response(event)
    with tracer().provider.in_subsegment("## handler"):
        return get_response(event)
