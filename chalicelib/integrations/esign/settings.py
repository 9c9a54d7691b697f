"""An org's e-signature configuration: one JSON document in an SSM SecureString parameter
(`{ESIGN_PARAMETER_PREFIX}/{org_id}`, docs/ESIGN.md "Configuration"), read on first use and kept a few
minutes per warm function — the webhook is public, so an unknown org must not cost a read per request.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from chalicelib.config import settings
from chalicelib.domain.esign import PROVIDER_DOCUSIGN
from chalicelib.observability import logger
from chalicelib.store import esign as esign_store

CACHE_SECONDS = 300
MAX_CACHED_ORGS = 512
_FIELDS = ("account_id", "integration_key", "user_id", "oauth_base_uri", "base_uri", "private_key")


@dataclass(frozen=True)
class DocuSignSettings:
    account_id: str
    integration_key: str  # the app's client id (JWT `iss`)
    user_id: str  # the impersonated sending user (JWT `sub`)
    oauth_base_uri: str  # https://account-d.docusign.com (demo) or https://account.docusign.com
    base_uri: str  # the account's base URI, e.g. https://demo.docusign.net
    private_key: str  # the integration's RSA private key (PEM), signs the JWT grant
    connect_hmac_secrets: tuple[str, ...]  # every active Connect HMAC key (rotation: several at once)

    def __repr__(self) -> str:  # never print the key or the secrets
        return f"DocuSignSettings(account_id={self.account_id!r})"


_cache: dict[str, tuple[float, DocuSignSettings | None]] = {}


def for_org(org_id: str) -> DocuSignSettings | None:
    """The org's DocuSign settings, or None when it has none (or they cannot be used: logged)."""
    now = time.monotonic()
    cached = _cache.get(org_id)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    raw = esign_store.read_configuration(org_id)
    found = parse(raw) if raw is not None else None
    if len(_cache) >= MAX_CACHED_ORGS:
        _cache.clear()
    _cache[org_id] = (now, found)
    return found


def forget() -> None:
    """Drop every cached configuration (tests; a rotated key is otherwise picked up within minutes)."""
    _cache.clear()


def parse(raw: str) -> DocuSignSettings | None:
    try:
        doc: Any = json.loads(raw)
    except ValueError:
        logger.error("an org's e-signature configuration is not JSON")
        return None
    if not isinstance(doc, dict) or doc.get("provider", PROVIDER_DOCUSIGN) != PROVIDER_DOCUSIGN:
        logger.error("an org's e-signature configuration names no known provider")
        return None
    missing = [f for f in _FIELDS if not isinstance(doc.get(f), str) or not doc[f]]
    secrets = doc.get("connect_hmac_secrets") or []
    if missing or not isinstance(secrets, list) or not all(isinstance(s, str) and s for s in secrets):
        logger.error("an org's e-signature configuration is incomplete", extra={"missing": missing})
        return None
    uris = (doc["oauth_base_uri"], doc["base_uri"])
    if not settings().is_local and any(urlparse(u).scheme != "https" for u in uris):
        logger.error("an org's e-signature configuration names a base URI that is not https")
        return None
    return DocuSignSettings(
        **{f: doc[f].rstrip("/") if f.endswith("uri") else doc[f] for f in _FIELDS},
        connect_hmac_secrets=tuple(secrets),
    )
