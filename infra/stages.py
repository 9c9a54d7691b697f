"""Stage configuration, read from CDK context (`cdk.json` → `threshold:stages`, or `-c` on the command line).

Every value a deployed stage needs is named here with its meaning; nothing falls back to a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

STAGES = ("dev", "prod")
APP_NAME = "threshold"
MALWARE_SCANNING = ("guardduty", "off")  # the values chalicelib/config.py reads from MALWARE_SCANNING
LOG_RETENTION_DAYS = (7, 14, 30, 90, 180, 365, 731)  # values CloudWatch Logs accepts (infra/functions.py)
SES_MODES = ("sandbox", "production")  # a new account's SES is in the sandbox until AWS grants production
COGNITO_EMAIL = ("ses", "cognito")  # who sends the user pool's own mail (docs/DEPLOY.md, "Invitees")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Cognito's prefix domain: lowercase letters, digits and hyphens, no leading or trailing hyphen, and none
# of the reserved words AWS refuses in a prefix.
COGNITO_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
COGNITO_DOMAIN_RESERVED = ("aws", "amazon", "cognito")
# An SMS origination identity: an E.164 number (a toll-free or 10DLC number, a short code) or the ARN of
# an AWS End User Messaging phone number, sender id or pool.
SMS_ORIGINATION = re.compile(
    r"^(\+[1-9][0-9]{4,14}|arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:[0-9]{12}:[a-z-]+/.+)$"
)


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
    ses_mode: str = "sandbox"  # "sandbox": SES delivers only to verified identities; "production"
    ses_sandbox_recipients: tuple[str, ...] = ()  # sandbox only: the verified addresses mail may go to
    cognito_email: str = "ses"  # "ses": the user pool mails through the stage's SES identity; "cognito"
    cognito_domain: str = ""  # the hosted UI's prefix domain (`<prefix>.auth.<region>.amazoncognito.com`)
    sms_origination: str = ""  # the origination identity SMS are sent from; "" = the account's default

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
            ses_mode=str(raw.get("ses_mode") or "sandbox"),
            ses_sandbox_recipients=tuple(
                str(r).strip().lower() for r in raw.get("ses_sandbox_recipients") or ()
            ),
            cognito_email=str(raw.get("cognito_email") or "ses"),
            cognito_domain=str(raw.get("cognito_domain") or ""),
            sms_origination=str(raw.get("sms_origination") or ""),
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
    if not EMAIL.match(c.sender_email):
        problems.append("sender_email must be an email address")
    if c.name == "prod" and not c.retain_data:
        problems.append("prod must retain its data (retain_data: true)")
    for origin in c.portal_origins:
        parsed = urlparse(origin)
        if "*" in origin or parsed.path or parsed.query or parsed.fragment:
            problems.append(
                f"portal origin {origin!r} must be scheme://host[:port], without path or wildcard"
            )
    return problems + _account_problems(c)


def _account_problems(c: StageConfig) -> list[str]:
    """What a new account must decide: SES sandbox or production, Cognito's mail and domain, SMS."""
    problems = []
    if c.ses_mode not in SES_MODES:
        problems.append(f"ses_mode must be one of {list(SES_MODES)}")
    if c.ses_mode == "production" and c.ses_sandbox_recipients:
        problems.append("ses_sandbox_recipients applies to ses_mode sandbox only: remove it in production")
    bad = [r for r in c.ses_sandbox_recipients if not EMAIL.match(r)]
    if bad:
        problems.append(f"ses_sandbox_recipients must be email addresses, not {bad}")
    if c.cognito_email not in COGNITO_EMAIL:
        problems.append(f"cognito_email must be one of {list(COGNITO_EMAIL)}")
    if c.cognito_domain and (
        not COGNITO_DOMAIN.match(c.cognito_domain)
        or any(word in c.cognito_domain for word in COGNITO_DOMAIN_RESERVED)
    ):
        problems.append(
            "cognito_domain must be a prefix of lowercase letters, digits and hyphens (at most 63), "
            f"without {list(COGNITO_DOMAIN_RESERVED)}"
        )
    if c.sms_origination and not SMS_ORIGINATION.match(c.sms_origination):
        problems.append(
            "sms_origination must be an E.164 number (+15550100) or an AWS End User Messaging "
            "origination identity ARN"
        )
    return problems


def selected(context: Mapping[str, Any], requested: str | None) -> list[StageConfig]:
    """The stages to synthesize: the one named with `-c stage=NAME`, or every stage in the context."""
    stages: Mapping[str, Any] = context.get("threshold:stages") or {}
    names = [requested] if requested else [n for n in STAGES if n in stages]
    if not names:
        raise StageConfigError("no stage configured: cdk.json context `threshold:stages` is empty")
    return [from_context(n, stages.get(n) or {}) for n in names]
