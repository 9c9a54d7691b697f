"""Webhook endpoints of an org: add, list, read, change, delete, rotate the secret (docs/INTEGRATIONS.md).

Org admins manage them; coordinators may read them (the list, one endpoint, its delivery log) but never
see a secret, change anything or send anything. Anyone who is not staff of the endpoint's org is told it
does not exist (404); agents are refused (403). Every change is one transaction with its audit event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ids
from chalicelib.domain.access import Caller, require_admin, require_ops
from chalicelib.domain.errors import Conflict, Forbidden, Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.webhooks import MAX_ENDPOINTS_PER_ORG, Webhook, new_secret
from chalicelib.domain.webhooks import url_for_log as rules_url
from chalicelib.services.activity import org_event
from chalicelib.store import cursors
from chalicelib.store import webhooks as store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.webhook_commands import NewWebhook, SecretRotation, WebhookPatch

ID_PREFIX = "wh"


def admin_org(caller: Caller, org_id: str | None) -> str:
    """The org an admin acts for: the one named, else the only org the caller is an admin of."""
    if org_id is not None:
        require_admin(caller, org_id)
        return org_id
    from chalicelib.domain.roles import StaffRole

    mine = [m.org_id for m in caller.staff if m.role is StaffRole.ADMIN]
    if len(mine) > 1:
        raise Invalid(
            "you are an admin of several organizations: say which with org_id", code="org_id_required"
        )
    if not mine:
        if caller.staff:
            raise Forbidden("webhooks are managed by the organization's admins")
        raise NotFound("organization not found")
    return mine[0]


def reader_org(caller: Caller, org_id: str | None) -> str:
    from chalicelib.services.pipeline import ops_org

    return ops_org(caller, org_id)


def _found(caller: Caller, webhook_id: str, *, manage: bool) -> Webhook:
    """The endpoint, if the caller may see it (admins and coordinators of its org; 404 for anyone
    outside it, 403 for its agents) — and, to manage it, is an admin (403 for a coordinator)."""
    hook = store.get(webhook_id) if ids.looks_like(ID_PREFIX, webhook_id) else None
    if hook is None or caller.staff_role(hook.org_id) is None:
        raise NotFound("webhook not found")
    (require_admin if manage else require_ops)(caller, hook.org_id)
    return hook


def create(caller: Caller, command: NewWebhook) -> Webhook:
    org_id = admin_org(caller, command.org_id)
    existing, _ = store.org_webhooks(org_id, limit=MAX_ENDPOINTS_PER_ORG)
    if len(existing) >= MAX_ENDPOINTS_PER_ORG:
        raise Conflict(
            f"an organization may have at most {MAX_ENDPOINTS_PER_ORG} webhook endpoints",
            code="too_many_webhooks",
        )
    now = clock.now()
    hook = Webhook(
        webhook_id=ids.new_id(ID_PREFIX),
        org_id=org_id,
        url=command.url,
        event_types=sorted(set(command.event_types)),
        enabled=command.enabled,
        secret=new_secret(),
        created_at=now,
        created_by=caller.user_id,
        description=command.description,
    )
    uow = UnitOfWork()
    store.add(uow, hook)
    uow.record(
        org_event(
            org_id,
            caller.actor,
            EventType.WEBHOOK_CREATED,
            f"{caller.label} added a webhook endpoint",
            data={"webhook_id": hook.webhook_id, "url": rules_url(hook.url), "event_types": hook.event_types},
        )
    )
    uow.commit()
    return hook


def list_webhooks(
    caller: Caller, org_id: str | None, *, limit: int, cursor: str | None
) -> tuple[list[Webhook], str | None]:
    org = reader_org(caller, org_id)
    scope = f"webhooks|{org}|{caller.user_id}"
    items, last = store.org_webhooks(org, limit=limit, start=cursors.decode(scope, cursor))
    return items, cursors.encode(scope, last)


def get(caller: Caller, webhook_id: str) -> Webhook:
    return _found(caller, webhook_id, manage=False)


def update(caller: Caller, webhook_id: str, command: WebhookPatch, expected_version: int) -> Webhook:
    hook = _found(caller, webhook_id, manage=True)
    sent = command.model_fields_set
    after = replace(hook)
    if "url" in sent and command.url is not None:
        after.url = command.url
    if "event_types" in sent and command.event_types is not None:
        after.event_types = sorted(set(command.event_types))
    if "description" in sent:
        after.description = command.description
    if "enabled" in sent and command.enabled is not None:
        after.enabled = command.enabled
        if command.enabled:
            after.disabled_reason = None
    changes = _changes(hook, after)
    if not changes:
        return hook
    after.updated_at = clock.now()
    uow = UnitOfWork()
    store.change(uow, hook, after, expected_version=expected_version)
    uow.record(
        org_event(
            hook.org_id,
            caller.actor,
            EventType.WEBHOOK_UPDATED,
            f"{caller.label} changed a webhook endpoint",
            data={"webhook_id": hook.webhook_id, "changes": changes},
        )
    )
    uow.commit()
    after.version = hook.version + 1
    return after


def _changes(before: Webhook, after: Webhook) -> list[dict[str, Any]]:
    fields = ("url", "event_types", "description", "enabled")
    shown = {"url": rules_url}  # the log keeps no path: it may hold a credential

    def value(f: str, hook: Webhook) -> Any:
        raw = getattr(hook, f)
        return shown[f](raw) if f in shown else raw

    return [
        {"field": f, "from": value(f, before), "to": value(f, after)}
        for f in fields
        if getattr(before, f) != getattr(after, f)
    ]


def delete(caller: Caller, webhook_id: str) -> Webhook:
    """Leaves a tombstone (no more deliveries; its log expires with it, after 30 days)."""
    hook = _found(caller, webhook_id, manage=True)
    now = clock.now()
    after = replace(hook, enabled=False, deleted_at=now, updated_at=now)
    uow = UnitOfWork()
    store.change(uow, hook, after, expected_version=None)
    uow.record(
        org_event(
            hook.org_id,
            caller.actor,
            EventType.WEBHOOK_DELETED,
            f"{caller.label} removed a webhook endpoint",
            data={"webhook_id": hook.webhook_id, "url": rules_url(hook.url)},
        )
    )
    uow.commit()
    return after


def rotate_secret(caller: Caller, webhook_id: str, command: SecretRotation) -> Webhook:
    """A new secret signs from now on; the current one keeps signing beside it for `overlap_hours`, so
    the receiver can switch over without losing a message. Rotating again within the window drops the
    oldest secret."""
    hook = _found(caller, webhook_id, manage=True)
    now = clock.now()
    until = now + timedelta(hours=command.overlap_hours)
    after = replace(
        hook,
        secret=new_secret(),
        previous_secret=hook.secret if command.overlap_hours else None,
        previous_secret_until=until if command.overlap_hours else None,
        updated_at=now,
    )
    uow = UnitOfWork()
    store.change(uow, hook, after, expected_version=None)
    uow.record(
        org_event(
            hook.org_id,
            caller.actor,
            EventType.WEBHOOK_SECRET_ROTATED,
            f"{caller.label} rotated a webhook's signing secret",
            data={
                "webhook_id": hook.webhook_id,
                "previous_secret_until": clock.iso(until) if command.overlap_hours else None,
            },
        )
    )
    uow.commit()
    after.version = hook.version + 1
    return after
