"""`make run` delivers webhooks: the shared local stack (emulator, `chalice local`, the emulated stream and
sweep) POSTs a signed event to a receiver on loopback, verified with the reference library."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from tests.support.local_stack import LocalStack
from tests.webhooks.support import ADMIN, COORDINATOR, Receiver


def _call(stack: LocalStack, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        stack.api_url + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def test_make_run_delivers_a_signed_webhook(local_stack: LocalStack) -> None:
    tokens = local_stack.tokens()
    receiver = Receiver().start()
    hook: dict[str, Any] = {}
    try:
        status, hook = _call(
            local_stack,
            "POST",
            "/v1/admin/webhooks",
            tokens[ADMIN],
            {"url": receiver.url, "event_types": ["message.posted"]},
        )
        assert status == 201, hook
        receiver.secrets = [hook["secret"]]
        deal = local_stack.demo()["deals"]["park_purchase"]["id"]  # a Harbor Main deal
        status, posted = _call(
            local_stack, "POST", f"/v1/deals/{deal}/messages", tokens[COORDINATOR], {"body": "Webhook check"}
        )
        assert status == 201, posted
        deadline = time.monotonic() + 60  # the stream is read every second, the sweep runs every 5 s
        while time.monotonic() < deadline and not receiver.received:
            time.sleep(0.5)
        (request,) = receiver.received
        assert request.verified_with == [0]
        assert request.json["type"] == "message.posted" and request.json["data"]["deal_id"] == deal
        status, log = _call(local_stack, "GET", f"/v1/admin/webhooks/{hook['id']}/deliveries", tokens[ADMIN])
        assert status == 200 and log["items"][0]["status"] == "succeeded"
    finally:
        receiver.stop()
        if hook:  # the shared stack: put back what this test changed
            _call(local_stack, "DELETE", f"/v1/admin/webhooks/{hook['id']}", tokens[ADMIN])
