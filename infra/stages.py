"""Stage configuration, read from CDK context (`cdk.json` → `threshold:stages`, or `-c` on the command line).

Every value a deployed stage needs is named here with its meaning; nothing falls back to a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

STAGES = ("dev", "prod")
APP_NAME = "threshold"
MALWARE_SCANNING = ("guardduty", "off")  # the values chalicelib/config.py reads from MALWARE_SCANNING
LOG_RETENTION_DAYS = (7, 14, 30, 90, 180, 365, 731)  # values CloudWatch Logs accepts (infra/functions.py)


class StageConfigError(ValueError):
    """The CDK context does not describe a deployable stage."""


@dataclass(frozen=True)
class StageConfig:
    name: str
    portal_url: str  # where invitation and notification links point
    portal_origins: tuple[str, ...]  # the only origins allowed by the API's CORS and the bucket's POST CORS
    sender_email: str  # the SES identity notifications are sent from
    alarm_email: str  # subscribed to the alarm topic when not empty (confirmation mail on first deploy)
    log_retention_days: int
    retain_data: bool  # prod: deletion protection and RETAIN on the table, bucket, key and user pool
    malware_scanning: (
        str  # "guardduty": GuardDuty scans uploads and downloads wait for a clean verdict; "off"
    )

    @property
    def prefix(self) -> str:
        """Physical names start with this, so two stages can share an account."""
        return f"{APP_NAME}-{self.name}"

    @property
    def stack_name(self) -> str:
        return self.prefix

    @property
    def upload_queue_name(self) -> str:
        return f"{self.prefix}-uploads"

    @property
    def ses_feedback_topic_name(self) -> str:
        return f"{self.prefix}-ses-feedback"


def from_context(name: str, raw: Mapping[str, Any]) -> StageConfig:
    if name not in STAGES:
        raise StageConfigError(f"stage must be one of {list(STAGES)}, not {name!r}")
    try:
        config = StageConfig(
            name=name,
            portal_url=str(raw["portal_url"]).rstrip("/"),
            portal_origins=tuple(str(o).rstrip("/") for o in raw["portal_origins"]),
            sender_email=str(raw["sender_email"]),
            alarm_email=str(raw.get("alarm_email") or ""),
            log_retention_days=int(raw["log_retention_days"]),
            retain_data=bool(raw["retain_data"]),
            malware_scanning=str(raw.get("malware_scanning") or "off"),
        )
    except KeyError as missing:
        raise StageConfigError(f"stage {name!r}: context is missing {missing}") from None
    problems = _problems(config)
    if problems:
        raise StageConfigError(f"stage {name!r}: " + "; ".join(problems))
    return config


def _problems(c: StageConfig) -> list[str]:
    problems = []
    if not c.portal_origins:
        problems.append("portal_origins must list at least one origin")
    for origin in (c.portal_url, *c.portal_origins):
        if urlparse(origin).scheme != "https":
            problems.append(f"{origin!r} is not https (a deployed stage serves https portals only)")
    if c.log_retention_days not in LOG_RETENTION_DAYS:
        problems.append(f"log_retention_days must be one of {list(LOG_RETENTION_DAYS)}")
    if c.malware_scanning not in MALWARE_SCANNING:
        problems.append(f"malware_scanning must be one of {list(MALWARE_SCANNING)}")
    if "@" not in c.sender_email:
        problems.append("sender_email must be an email address")
    if c.name == "prod" and not c.retain_data:
        problems.append("prod must retain its data (retain_data: true)")
    return problems


def selected(context: Mapping[str, Any], requested: str | None) -> list[StageConfig]:
    """The stages to synthesize: the one named with `-c stage=NAME`, or every stage in the context."""
    stages: Mapping[str, Any] = context.get("threshold:stages") or {}
    names = [requested] if requested else [n for n in STAGES if n in stages]
    if not names:
        raise StageConfigError("no stage configured: cdk.json context `threshold:stages` is empty")
    return [from_context(n, stages.get(n) or {}) for n in names]
