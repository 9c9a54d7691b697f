"""Opaque, unguessable identifiers: a short type prefix and 128 random bits in base32."""

from __future__ import annotations

import base64
import secrets


def new_id(prefix: str) -> str:
    token = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()
    return f"{prefix}_{token}"


def looks_like(prefix: str, value: str) -> bool:
    """Cheap shape check so malformed path ids answer 404 without a database read."""
    head, sep, tail = value.partition("_")
    return sep == "_" and head == prefix and len(tail) == 26 and tail.isalnum()
