"""Webhook delivery (docs/INTEGRATIONS.md): fan an activity event out to the org's endpoints, attempt what
is due, retry on Standard Webhooks' schedule, dead-letter after about a day, replay, send a test event.

- **Fan-out** (the outbox, once per activity event): one delivery per enabled endpoint of the event's
  org subscribed to its type, written with a condition that it does not exist — its id derives from
  (event, endpoint), so a duplicated or retried stream record writes nothing twice.
- **Sweep** (`webhook_sweep`, every minute): each due delivery is claimed (a conditional update moves
  its `next_attempt_at` a lease ahead), attempted, and its outcome recorded — `succeeded`, or the next
  attempt's time, or `failed` when the schedule is spent: then the endpoint is disabled and the org's
  admins are told (in-app and email), in the same transaction as its `webhook.disabled` event.
- **Attempt**: the host is resolved at every attempt, EVERY address checked (domain/webhook_urls.py),
  and the connection made to the checked address itself, with the host name for SNI, certificate
  checking and `Host` — a DNS answer that changes between check and connect is never used. Redirects
  are not followed (a 3xx is a failure); nothing of the response body is kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib import clock, ids
from chalicelib.domain import webhook_urls as urls
from chalicelib.domain import webhooks as rules
from chalicelib.domain.entities import ActivityEvent
from chalicelib.domain.errors import Conflict, DomainError, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.webhooks import DeliveryStatus, Webhook, WebhookDelivery
from chalicelib.observability import logger, metrics
from chalicelib.store import webhooks as store
from chalicelib.store.errors import AWS_ERRORS

# what recording one delivery's attempt may meet: a rule of the store (a conflicting edit) or AWS's fault
RECORDING_FAULTS: tuple[type[Exception], ...] = (DomainError, *AWS_ERRORS)

if TYPE_CHECKING:
    from chalicelib.domain.access import Caller

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 12.0
LEASE = timedelta(minutes=2)  # a claimed attempt not recorded by then (the function died) is retried
SWEEP_BATCH = 50


# -- fan-out ----------------------------------------------------------------------------------------


def fan_out(event: ActivityEvent) -> int:
    """The deliveries an activity event causes; returns how many were new. One Query of the org's
    endpoints (only for types an endpoint may subscribe to), one conditional PutItem per delivery."""
    if event.org_id is None or str(event.type) not in rules.SUBSCRIBABLE:
        return 0
    hooks, _ = store.org_webhooks(event.org_id, limit=rules.MAX_ENDPOINTS_PER_ORG)
    wanted = [h for h in hooks if h.org_id == event.org_id and h.wants(str(event.type))]
    created = 0
    for hook in wanted:
        delivery_id = rules.delivery_id(event.event_id, hook.webhook_id, event.at)
        document = rules.payload(event, clock.iso(event.at))
        created += store.add_delivery_once(_new(hook, delivery_id, event.event_id, str(event.type), document))
    if created:
        metrics.add_metric(name="WebhookDeliveriesCreated", unit="Count", value=created)
    return created


def _new(
    hook: Webhook, delivery_id: str, event_id: str, event_type: str, document: dict[str, object]
) -> WebhookDelivery:
    now = clock.now()
    return WebhookDelivery(
        webhook_id=hook.webhook_id,
        delivery_id=delivery_id,
        org_id=hook.org_id,
        event_id=event_id,
        event_type=event_type,
        payload=rules.body(document),
        status=DeliveryStatus.PENDING.value,
        created_at=now,
        next_attempt_at=now,
    )


# -- the sweep --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    ok: bool
    response_code: int | None
    latency_ms: int | None
    error: str | None


def sweep(now: datetime, *, deadline: float | None = None) -> dict[str, int]:
    """Attempt every due delivery (up to SWEEP_BATCH a round), stopping early near `deadline`
    (time.monotonic()) so the function never times out mid-attempt."""
    counts = {"attempted": 0, "succeeded": 0, "retrying": 0, "failed": 0}
    due = store.due_deliveries(now, limit=SWEEP_BATCH)
    hooks: dict[str, Webhook | None] = {}
    for delivery in due:
        if deadline is not None and time.monotonic() > deadline:
            break
        if delivery.webhook_id not in hooks:
            hooks[delivery.webhook_id] = store.get(delivery.webhook_id)
        try:
            result = attempt(delivery, hooks[delivery.webhook_id], clock.now())
        except RECORDING_FAULTS:  # one delivery's fault (a conflicting edit, a throttled write)
            # must not stop the others: this one keeps its lease and is attempted again when it runs out
            logger.exception("a webhook delivery could not be recorded")
            hooks.pop(delivery.webhook_id, None)
            continue
        if result is not None:
            counts["attempted"] += 1
            counts[result] += 1
            if result == "failed":
                hooks.pop(delivery.webhook_id, None)  # it may just have been disabled
    if counts["attempted"]:
        logger.info("webhook sweep", extra=counts)
    return counts


def attempt(delivery: WebhookDelivery, hook: Webhook | None, now: datetime) -> str | None:
    """One attempt of one delivery; None when another sweep or a replay claimed it first."""
    claimed = replace(delivery, next_attempt_at=now + LEASE)
    if not store.update_delivery(delivery, claimed):
        return None
    if hook is None or not hook.enabled:
        gone = "endpoint_deleted" if hook is None else "endpoint_disabled"
        after = replace(claimed, status=DeliveryStatus.FAILED.value, next_attempt_at=None, error=gone)
        store.update_delivery(claimed, after)
        return "failed"
    outcome = send(hook, claimed, now)
    after = replace(
        claimed,
        attempts=claimed.attempts + 1,
        round_attempts=claimed.round_attempts + 1,
        last_attempt_at=now,
        response_code=outcome.response_code,
        latency_ms=outcome.latency_ms,
        error=outcome.error,
    )
    if outcome.ok:
        after.status, after.next_attempt_at, after.succeeded_at = DeliveryStatus.SUCCEEDED.value, None, now
        store.update_delivery(claimed, after)
        metrics.add_metric(name="WebhookDelivered", unit="Count", value=1)
        return "succeeded"
    retry_at = rules.after_failure(after, now)
    if retry_at is not None:
        after.next_attempt_at = retry_at
        store.update_delivery(claimed, after)
        return "retrying"
    after.status, after.next_attempt_at = DeliveryStatus.FAILED.value, None
    from chalicelib.services import webhook_alerts

    webhook_alerts.dead_letter(hook, claimed, after, now)
    metrics.add_metric(name="WebhookDeadLettered", unit="Count", value=1)
    return "failed"


def send(hook: Webhook, delivery: WebhookDelivery, now: datetime) -> Outcome:
    """POST the payload to the endpoint, connected to a checked address (see the module's docstring)."""
    try:
        target = urls.parse(hook.url)
        addresses = urls.addresses_for_delivery(target)
    except urls.Unresolved:
        return Outcome(False, None, None, "dns_unresolved")
    except urls.RefusedUrl:
        logger.warning("a webhook delivery was refused: its host resolves to a forbidden address")
        return Outcome(False, None, None, "address_not_allowed")
    from http.client import HTTPException

    from urllib3.exceptions import HTTPError

    headers = rules.signature_headers(delivery, hook.signing_secrets(now), now)
    started = time.monotonic()
    try:
        status = _post(target, str(addresses[0]), headers, delivery.payload.encode())
    except (
        HTTPError,
        HTTPException,
        OSError,
    ) as exc:  # a transport failure is the receiver's: logged, retried
        kind = type(exc).__name__
        error = "timeout" if "Timeout" in kind else "tls_error" if "SSL" in kind else "connection_failed"
        return Outcome(False, None, _ms(started), error)
    ok = 200 <= status < 300
    return Outcome(ok, status, _ms(started), None if ok else f"http_{status}")


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _post(target: urls.Target, address: str, headers: dict[str, str], body: bytes) -> int:
    """One request over a connection to `address` (never re-resolved); TLS verified for the host name."""
    import urllib3

    timeout = urllib3.Timeout(total=TOTAL_TIMEOUT, connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    common = {"port": target.port, "timeout": timeout, "retries": False, "maxsize": 1}
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            server_hostname=target.host,  # SNI
            assert_hostname=target.host,  # the certificate must name the host, not the address
            cert_reqs="CERT_REQUIRED",
            **common,  # type: ignore[arg-type]
        )
    else:  # loopback receivers of local mode and tests only (domain/webhook_urls.py)
        pool = urllib3.HTTPConnectionPool(address, **common)  # type: ignore[arg-type]
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            retries=False,
            preload_content=False,
        )
        return int(response.status)  # the body is never read: nothing of it is kept
    finally:
        pool.close()


# -- replay and test --------------------------------------------------------------------------------


def replay(caller: Caller, webhook_id: str, delivery_id: str) -> WebhookDelivery:
    """The same message (same `webhook-id`, same body) goes out again at the next sweep, with a fresh
    schedule of retries. A delivery already waiting for its next attempt is a 409."""
    from chalicelib.services import webhooks as endpoints
    from chalicelib.services.activity import org_event
    from chalicelib.store.unit_of_work import UnitOfWork

    hook = endpoints._found(caller, webhook_id, manage=True)
    delivery = store.get_delivery(webhook_id, delivery_id) if delivery_id.startswith("msg_") else None
    if delivery is None:
        raise NotFound("delivery not found")
    if delivery.status == DeliveryStatus.PENDING.value:
        raise Conflict("this delivery is still being retried", code="delivery_pending")
    now = clock.now()
    after = replace(
        delivery,
        status=DeliveryStatus.PENDING.value,
        next_attempt_at=now,
        round_attempts=0,
        replays=delivery.replays + 1,
        error=None,
    )
    uow = UnitOfWork()
    store.stage_delivery_update(uow, delivery, after)
    uow.record(
        org_event(
            hook.org_id,
            caller.actor,
            EventType.WEBHOOK_DELIVERY_REPLAYED,
            f"{caller.label} replayed a webhook delivery",
            data={"webhook_id": webhook_id, "delivery_id": delivery_id},
        )
    )
    uow.commit()
    after.version = delivery.version + 1
    return after


def send_test(caller: Caller, webhook_id: str) -> WebhookDelivery:
    """A `webhook.test` message, delivered like any other (logged, signed, retried)."""
    from chalicelib.services import webhooks as endpoints
    from chalicelib.services.activity import org_event
    from chalicelib.store.unit_of_work import UnitOfWork

    hook = endpoints._found(caller, webhook_id, manage=True)
    now = clock.now()
    test_id = ids.new_id("test")
    delivery = _new(
        hook,
        rules.delivery_id(test_id, hook.webhook_id, now),
        test_id,
        rules.TEST_EVENT,
        rules.test_payload(hook.webhook_id, hook.org_id, clock.iso(now)),
    )
    uow = UnitOfWork()
    store.stage_new_delivery(uow, delivery)
    uow.record(
        org_event(
            hook.org_id,
            caller.actor,
            EventType.WEBHOOK_TESTED,
            f"{caller.label} sent a test event to a webhook endpoint",
            data={"webhook_id": webhook_id, "delivery_id": delivery.delivery_id},
        )
    )
    uow.commit()
    return delivery


def deliveries(
    caller: Caller, webhook_id: str, *, limit: int, cursor: str | None
) -> tuple[list[WebhookDelivery], str | None]:
    from chalicelib.services import webhooks as endpoints
    from chalicelib.store import cursors

    endpoints._found(caller, webhook_id, manage=False)
    scope = f"webhook-deliveries|{webhook_id}|{caller.user_id}"
    items, last = store.deliveries_page(webhook_id, limit=limit, start=cursors.decode(scope, cursor))
    return items, cursors.encode(scope, last)
