"""Opaque paging cursors: DynamoDB's LastEvaluatedKey, bound to the list it came from and signed.

A cursor from one list cannot be replayed against another (the scope is part of the signature), and a
tampered or truncated cursor is a 400, never a 500.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from chalicelib.config import settings
from chalicelib.domain.errors import BadRequest

_SIGNATURE_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(scope: str, payload: str) -> bytes:
    key = settings().cursor_secret.encode()
    return hmac.new(key, f"{scope}\n{payload}".encode(), hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def encode(scope: str, last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    payload = _b64(json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_b64(_sign(scope, payload))}"


def decode(scope: str, cursor: str | None) -> dict[str, Any] | None:
    if cursor is None or cursor == "":
        return None
    invalid = BadRequest(
        "the cursor is not valid for this list; start again without it", code="invalid_cursor"
    )
    payload, _, signature = cursor.partition(".")
    try:
        expected = _sign(scope, payload)
        if not hmac.compare_digest(_unb64(signature), expected):
            raise invalid
        value = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid from exc
    if not isinstance(value, dict):
        raise invalid
    return value
