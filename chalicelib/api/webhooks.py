"""Outbound webhooks of an org: endpoints, secret rotation, the delivery log, replay, a test event
(docs/INTEGRATIONS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import Answer, etag, expected_version, page, page_params, query_param, route
from chalicelib.domain.responses import Page
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import webhook_responses as out
    from chalicelib.domain.access import Caller
    from chalicelib.domain.webhook_commands import NewWebhook, SecretRotation, WebhookPatch
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    out = LazyModule("chalicelib.domain.webhook_responses")

webhooks = Blueprint(__name__)

ALL = "/v1/admin/webhooks"
ONE = "/v1/admin/webhooks/{webhook_id}"


@route(webhooks, ALL, "GET", summary="The org's webhook endpoints (admins and coordinators; no secrets)")
def list_webhooks(caller: Caller, request: Request) -> Page[out.WebhookOut]:
    from chalicelib.services import webhooks as service

    limit, cursor = page_params(request)
    found, next_cursor = service.list_webhooks(
        caller, query_param(request, "org_id"), limit=limit, cursor=cursor
    )
    return page([out.webhook_view(h) for h in found], next_cursor)


@route(
    webhooks,
    ALL,
    "POST",
    summary="Add a webhook endpoint (admins); the answer shows its signing secret, once",
    body="NewWebhook",
    status=201,
)
def create(caller: Caller, body: NewWebhook) -> Answer[out.WebhookWithSecret]:
    from chalicelib.services import webhooks as service

    hook = service.create(caller, body)
    return Answer(out.with_secret(hook), {"Location": f"{ALL}/{hook.webhook_id}", "ETag": etag(hook.version)})


@route(webhooks, ONE, "GET", summary="One webhook endpoint (admins and coordinators; no secret)")
def get_webhook(caller: Caller, webhook_id: str) -> Answer[out.WebhookOut]:
    from chalicelib.services import webhooks as service

    hook = service.get(caller, webhook_id)
    return Answer(out.webhook_view(hook), {"ETag": etag(hook.version)})


@route(webhooks, ONE, "PATCH", summary="Change a webhook endpoint (admins; If-Match)", body="WebhookPatch")
def patch_webhook(
    caller: Caller, request: Request, webhook_id: str, body: WebhookPatch
) -> Answer[out.WebhookOut]:
    from chalicelib.services import webhooks as service

    hook = service.update(caller, webhook_id, body, expected_version(request))
    return Answer(out.webhook_view(hook), {"ETag": etag(hook.version)})


@route(webhooks, ONE, "DELETE", summary="Remove a webhook endpoint (admins); nothing more is delivered")
def delete_webhook(caller: Caller, webhook_id: str) -> out.WebhookOut:
    from chalicelib.services import webhooks as service

    return out.webhook_view(service.delete(caller, webhook_id))


@route(
    webhooks,
    ONE + "/rotate-secret",
    "POST",
    summary="A new signing secret (shown once); the old one keeps signing during the overlap",
    body="SecretRotation",
)
def rotate_secret(caller: Caller, webhook_id: str, body: SecretRotation) -> out.WebhookWithSecret:
    from chalicelib.services import webhooks as service

    return out.with_secret(service.rotate_secret(caller, webhook_id, body))


@route(webhooks, ONE + "/deliveries", "GET", summary="The endpoint's delivery log, newest first")
def list_deliveries(caller: Caller, request: Request, webhook_id: str) -> Page[out.WebhookDeliveryOut]:
    from chalicelib.services import webhook_delivery as deliveries

    limit, cursor = page_params(request)
    found, next_cursor = deliveries.deliveries(caller, webhook_id, limit=limit, cursor=cursor)
    return page([out.delivery_view(d) for d in found], next_cursor)


@route(
    webhooks,
    ONE + "/deliveries/{delivery_id}/replay",
    "POST",
    summary="Send a delivery again (same webhook-id), with a fresh schedule of retries (admins)",
)
def replay(caller: Caller, webhook_id: str, delivery_id: str) -> out.WebhookDeliveryOut:
    from chalicelib.services import webhook_delivery as deliveries

    return out.delivery_view(deliveries.replay(caller, webhook_id, delivery_id))


@route(
    webhooks,
    ONE + "/test",
    "POST",
    summary="Send a `webhook.test` event to the endpoint (admins); delivered by the next sweep",
    status=202,
)
def send_test(caller: Caller, webhook_id: str) -> out.WebhookDeliveryOut:
    from chalicelib.services import webhook_delivery as deliveries

    return out.delivery_view(deliveries.send_test(caller, webhook_id))
