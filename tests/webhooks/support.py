"""A webhook receiver on loopback that verifies every request with the reference `standardwebhooks`
library, a fake resolver (no DNS on the build machine), and short calls to the webhook routes."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from tests.support.api import Api, Reply

ADMIN = "ada.admin@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
AGENT = "alex.agent@harbormain.example"
RIVAL_ADMIN = "rhea.admin@rivalrealty.example"
CLIENT = "bianca.buyer@mail.example"
ALL = "/v1/admin/webhooks"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified_with: list[int]  # which of the receiver's secrets verified it (indexes)

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Receiver:
    """Answers `status` (a list is consumed one per request, then its last value repeats)."""

    secrets: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    processed: set[str] = field(default_factory=set)  # webhook-ids acted on: the receiver dedupes

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/threshold"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = []
                for n, secret in enumerate(receiver.secrets):
                    try:
                        Verifier(secret).verify(body, headers)
                        verified.append(n)
                    except WebhookVerificationError:
                        pass
                receiver.received.append(Received(headers, body, verified))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                if 200 <= status < 300 and verified:
                    receiver.processed.add(headers["webhook-id"])
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def create(api: Api, url: str, types: list[str] | None = None, as_user: str = ADMIN, **extra: Any) -> Reply:
    body = {"url": url, "event_types": types or ["deal.stage_changed", "message.posted"], **extra}
    return api.post(ALL, body, as_user=as_user)


def deliveries(api: Api, webhook_id: str, as_user: str = ADMIN) -> list[dict[str, Any]]:
    reply = api.get(f"{ALL}/{webhook_id}/deliveries?limit=100", as_user=as_user)
    assert reply.status == 200, reply.json
    items: list[dict[str, Any]] = reply.json["items"]
    return items


def sweep() -> dict[str, int]:
    """One run of the `webhook_sweep` function, as its schedule invokes it."""
    from app import webhook_sweep
    from devstack.notify import LambdaContext, scheduled_event

    result: dict[str, int] = webhook_sweep(scheduled_event(), LambdaContext("webhook_sweep"))
    return result


def message(api: Api, deal_id: str, text: str = "The appraisal is booked for Friday.") -> None:
    reply = api.post(f"/v1/deals/{deal_id}/messages", {"body": text}, as_user=COORDINATOR)
    assert reply.status == 201, reply.json
