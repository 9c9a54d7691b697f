"""E-signature records (keys: store/esign_models.py) and the per-org provider configuration, an SSM
SecureString parameter (docs/ESIGN.md, "Configuration")."""

from __future__ import annotations

import functools
import os
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist

from chalicelib.config import settings
from chalicelib.domain.errors import Conflict, Unavailable
from chalicelib.domain.esign import EnvelopeRef, Signature
from chalicelib.store.errors import translated
from chalicelib.store.esign_models import EnvelopeItem, SignatureItem
from chalicelib.store.unit_of_work import UnitOfWork, changes_between

# Where each org's provider configuration lives: `{ESIGN_PARAMETER_PREFIX}/{org_id}` (infra sets the
# prefix to `/{stack name}/esign`; the API's role may read exactly that path).
PARAMETER_PREFIX_VARIABLE = "ESIGN_PARAMETER_PREFIX"


def load_signature(deal_id: str, request_id: str) -> Signature | None:
    with translated():
        try:
            item = SignatureItem.get(
                *SignatureItem.key_for(deal_id=deal_id, request_id=request_id), consistent_read=True
            )
        except DoesNotExist:
            return None
    found: Signature = item.to_entity()
    return found


def load_envelope(org_id: str, envelope_id: str) -> EnvelopeRef | None:
    with translated():
        try:
            item = EnvelopeItem.get(
                *EnvelopeItem.key_for(org_id=org_id, envelope_id=envelope_id), consistent_read=True
            )
        except DoesNotExist:
            return None
    found: EnvelopeRef = item.to_entity()
    return found


def start(uow: UnitOfWork, before: Signature | None, after: Signature) -> None:
    """Record a send's intent: a new signature, or a new attempt replacing a declined or voided one —
    on the condition that nobody started another meanwhile (of two sends at once, one wins)."""
    busy = Conflict("this document is being sent for signature already", code="signature_in_progress")
    if before is None:
        uow.create(SignatureItem.from_entity(after), on_exists=busy)
        return
    change(uow, before, after, on_fail=busy)


def change(uow: UnitOfWork, before: Signature, after: Signature, *, on_fail: Conflict | None = None) -> None:
    """Holds only while the stored signature is still at `before.version` (duplicated webhooks and
    concurrent sends change nothing twice)."""
    changes = changes_between(before, after)
    changes.pop("version", None)
    uow.update(
        SignatureItem.from_entity(before),
        changes,
        expected_version=before.version,
        on_fail=on_fail or Conflict("the signature changed meanwhile", code="signature_changed"),
    )


def add_envelope(uow: UnitOfWork, ref: EnvelopeRef) -> None:
    uow.create(EnvelopeItem.from_entity(ref), on_exists=Conflict("envelope known", code="already_exists"))


# -- configuration --------------------------------------------------------------------------------


def parameter_name(org_id: str) -> str | None:
    prefix = os.environ.get(PARAMETER_PREFIX_VARIABLE, "").rstrip("/")
    return f"{prefix}/{org_id}" if prefix else None


@functools.cache
def _ssm() -> Any:  # no SSM stubs in the dev dependencies: one call, typed at its use
    import boto3  # deferred: only e-signature needs SSM

    config = Config(connect_timeout=2, read_timeout=3, retries={"max_attempts": 3, "mode": "standard"})
    return boto3.client("ssm", region_name=settings().region, config=config)


def read_configuration(org_id: str) -> str | None:
    """The org's configuration document (decrypted), or None when the org has none."""
    name = parameter_name(org_id)
    if name is None:
        return None
    try:
        reply: dict[str, Any] = dict(_ssm().get_parameter(Name=name, WithDecryption=True))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ParameterNotFound":
            return None
        raise Unavailable("e-signature settings are unavailable; retry", code="retry_later") from exc
    except BotoCoreError as exc:
        raise Unavailable("e-signature settings are unavailable; retry", code="retry_later") from exc
    value: str = reply["Parameter"]["Value"]
    return value
