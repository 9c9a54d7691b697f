"""Typed settings read once from the environment that infra (or local mode) sets. Fail fast.

Nothing here guesses a default for a production resource: a missing table name or issuer stops the
function at import, not at the first request.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

LOCAL_STAGES = frozenset({"local"})
DEPLOYED_STAGES = frozenset({"dev", "prod"})
COGNITO_ISSUER = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/[\w-]+_[0-9A-Za-z]+$")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable Threshold stage."""


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_name: str
    jwks_url: str
    token_issuer: str
    token_audience: str
    cursor_secret: str
    portal_url: str
    portal_origins: tuple[str, ...]
    documents_bucket: str
    event_bus_name: str
    sender_email: str
    upload_queue_name: str  # S3 ObjectCreated events of the documents bucket (the DLQ is `<name>-dlq`)
    # The Cognito user pool invitees get a user in (store/accounts.py). Deployed: the issuer's own pool;
    # local mode and tests: the emulator's pool, created by devstack/resources.py.
    user_pool_id: str = ""
    max_body_bytes: int = 64 * 1024
    dynamodb_timeout_seconds: float = 3.0
    # Notifications (docs/NOTIFICATIONS.md): emails + SMS one user may receive per UTC day, and how long
    # after its due time an open item is escalated to the deal's coordinator.
    notification_daily_cap: int = 25
    reminder_escalation_hours: int = 48
    # MALWARE_SCANNING=guardduty: GuardDuty Malware Protection for S3 scans the documents bucket, and a
    # download is refused until the object carries GuardDutyMalwareScanStatus=NO_THREATS_FOUND.
    # MALWARE_SCANNING=off (or unset): no scanner is configured and downloads are not gated on one
    # (docs/DOCUMENTS.md). A deployed stage without it logs a warning at cold start.
    malware_scanning: bool = False
    # API clients (docs/API_CLIENTS.md): the Cognito domain's token endpoint, where a client trades its id
    # and secret for an access token. Empty in local mode (`make token CLIENT=<id>` mints one).
    oauth_token_url: str = ""

    @property
    def is_local(self) -> bool:
        return self.stage in LOCAL_STAGES

    def origin_allowed(self, origin: str) -> bool:
        """Is `origin` one of the portal origins? Local mode may also list `scheme://host:*` (any port of
        that host, e.g. a dev server on :5173); a deployed stage lists exact origins only (docs/API.md)."""
        origin = origin.rstrip("/")
        if origin in self.portal_origins:
            return True
        if not self.is_local:
            return False
        parsed = urlparse(origin)
        try:
            parsed.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            return False
        return f"{parsed.scheme}://{parsed.hostname}:*" in self.portal_origins

    def validate(self) -> Settings:
        problems = list(_stage_problems(self)) + list(_value_problems(self))
        if problems:
            raise ConfigError("invalid configuration: " + "; ".join(problems))
        return self


def _stage_problems(s: Settings) -> list[str]:
    if s.stage not in LOCAL_STAGES | DEPLOYED_STAGES:
        return [f"STAGE must be one of {sorted(LOCAL_STAGES | DEPLOYED_STAGES)}, not {s.stage!r}"]
    if s.is_local:
        return []
    # A deployed stage only trusts Cognito: local signing (a file:// key set, a home-made issuer)
    # must be impossible to switch on there, whatever else the environment says.
    problems = []
    if urlparse(s.jwks_url).scheme != "https":
        problems.append("a deployed stage must fetch its JWKS over https (local signing is local-only)")
    if not COGNITO_ISSUER.match(s.token_issuer):
        problems.append("a deployed stage must trust a Cognito user pool issuer")
    elif s.jwks_url != f"{s.token_issuer}/.well-known/jwks.json":
        problems.append("JWKS_URL must be the issuer's own /.well-known/jwks.json")
    elif s.token_issuer.rsplit("/", 1)[-1] != s.user_pool_id:
        problems.append("USER_POOL_ID must be the pool of the token issuer (invitees sign in there)")
    if any(urlparse(o).scheme != "https" for o in s.portal_origins):
        problems.append("portal origins of a deployed stage must be https")
    if any("*" in o for o in s.portal_origins):
        problems.append("portal origins of a deployed stage must be exact (no `*`: local mode only)")
    return problems


def _value_problems(s: Settings) -> list[str]:
    problems = []
    if len(s.cursor_secret) < 32:
        problems.append("CURSOR_SECRET must be at least 32 characters")
    if not s.portal_origins:
        problems.append("PORTAL_ORIGINS must list at least one origin")
    if not 1024 <= s.max_body_bytes <= 1024 * 1024:
        problems.append("MAX_BODY_BYTES must be between 1 KiB and 1 MiB")
    if not 1 <= s.notification_daily_cap <= 1000:
        problems.append("NOTIFICATION_DAILY_CAP must be between 1 and 1000")
    if not 24 <= s.reminder_escalation_hours <= 24 * 30:
        problems.append("REMINDER_ESCALATION_HOURS must be between 24 and 720")
    return problems


_REQUIRED = {
    "stage": "STAGE",
    "region": "AWS_REGION",
    "table_name": "TABLE_NAME",
    "jwks_url": "JWKS_URL",
    "token_issuer": "TOKEN_ISSUER",
    "token_audience": "TOKEN_AUDIENCE",
    "cursor_secret": "CURSOR_SECRET",
    "portal_url": "PORTAL_URL",
    "documents_bucket": "DOCUMENTS_BUCKET",
    "event_bus_name": "EVENT_BUS_NAME",
    "sender_email": "SENDER_EMAIL",
    "upload_queue_name": "UPLOAD_QUEUE_NAME",
}
MALWARE_SCANNING = {"guardduty": True, "off": False}


def load(environ: Mapping[str, str]) -> Settings:
    """Build and validate settings from an environment mapping (tests pass their own)."""
    env = dict(environ)
    env.setdefault("AWS_REGION", env.get("AWS_DEFAULT_REGION", ""))
    missing = [name for name in _REQUIRED.values() if not env.get(name)]
    if missing:
        raise ConfigError("missing environment variables: " + ", ".join(sorted(missing)))
    values = {field: env[name] for field, name in _REQUIRED.items()}
    origins = tuple(o.strip().rstrip("/") for o in env.get("PORTAL_ORIGINS", "").split(",") if o.strip())
    max_body = _integer(env, "MAX_BODY_BYTES", 64 * 1024)
    scanning = env.get("MALWARE_SCANNING", "off").strip().lower()
    if scanning not in MALWARE_SCANNING:
        raise ConfigError(f"MALWARE_SCANNING must be one of {sorted(MALWARE_SCANNING)}, not {scanning!r}")
    return Settings(
        stage=values["stage"],
        region=values["region"],
        table_name=values["table_name"],
        jwks_url=values["jwks_url"],
        token_issuer=values["token_issuer"],
        token_audience=values["token_audience"],
        cursor_secret=values["cursor_secret"],
        portal_url=values["portal_url"],
        portal_origins=origins,
        documents_bucket=values["documents_bucket"],
        event_bus_name=values["event_bus_name"],
        sender_email=values["sender_email"],
        upload_queue_name=values["upload_queue_name"],
        user_pool_id=env.get("USER_POOL_ID", "").strip(),
        max_body_bytes=max_body,
        dynamodb_timeout_seconds=float(env.get("DYNAMODB_TIMEOUT_SECONDS", 3.0)),
        notification_daily_cap=_integer(env, "NOTIFICATION_DAILY_CAP", 25),
        reminder_escalation_hours=_integer(env, "REMINDER_ESCALATION_HOURS", 48),
        malware_scanning=MALWARE_SCANNING[scanning],
        oauth_token_url=env.get("OAUTH_TOKEN_URL", "").strip(),
    ).validate()


def _integer(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer") from exc


def event_source(name: str) -> str:
    """An event source identifier a handler registration needs at import (a stream ARN, a topic name):
    infra sets it for deployed stages, devstack/environment.py for local mode and tests."""
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"missing environment variable {name} (an event source of app.py)")
    return value


@functools.cache
def settings() -> Settings:
    return load(os.environ)
