"""A local DocuSign, built from its documented requests and webhook payloads (docs/ESIGN.md): a small HTTP
server on loopback that the real client (chalicelib/integrations/esign/docusign.py) talks to, in tests and
in local mode (`make run` starts one). Nothing here touches the internet.

- `POST /oauth/token` — the JWT grant: the RS256 assertion is verified with the integration's public key
  (iss = integration key, sub = user id, aud = this host, scope "signature impersonation").
- `POST /restapi/v2.1/accounts/{accountId}/envelopes` — records the envelope (document, signers with
  routingOrder, custom fields); `status` must be "sent".
- `GET …/envelopes?from_date=…&custom_field=name=value` — envelopes carrying a custom field.
- `GET …/envelopes/{envelopeId}/documents/combined` — the "signed" PDF: the sent PDF plus a signature
  trailer (other bytes, still a PDF).
- `PUT …/envelopes/{envelopeId}` `{"status": "voided", "voidedReason"}`.
- Connect: `connect_message()` builds a JSON SIM notification and `connect_headers()` signs it like Connect
  (X-DocuSign-Signature-N = base64(HMAC-SHA256(secret, body))). In local mode, where people stand in for
  the signers, `POST /_fake/envelopes/{envelopeId}/completed` (or `declined`, `voided`, with an optional
  `{"reason"}`) makes the fake deliver that notification to the API (`connect_url`), as Connect would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ACCOUNT_ID = "a1b2c3d4-0000-4000-8000-000000000001"
INTEGRATION_KEY = "ik-threshold-local"
USER_ID = "u-sender-0000-4000-8000-000000000002"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SIGNED_TRAILER = b"\n% signed through the local DocuSign\n%%EOF\n"


@dataclass
class Envelope:
    envelope_id: str
    body: dict[str, Any]
    account_id: str = ACCOUNT_ID
    status: str = "sent"
    voided_reason: str | None = None

    @property
    def document(self) -> bytes:
        return base64.b64decode(self.body["documents"][0]["documentBase64"])

    @property
    def signers(self) -> list[dict[str, Any]]:
        return list(self.body["recipients"]["signers"])

    def custom_field(self, name: str) -> str | None:
        for f in self.body.get("customFields", {}).get("textCustomFields", []):
            if f.get("name") == name:
                return str(f.get("value"))
        return None


@dataclass
class FakeDocuSign:
    host: str = "127.0.0.1"
    port: int = 0
    hmac_secrets: tuple[str, ...] = field(default_factory=lambda: (secrets.token_urlsafe(32),))
    envelopes: dict[str, Envelope] = field(default_factory=dict)
    grants: int = 0
    calls: list[tuple[str, str]] = field(default_factory=list)
    # "create" | "download" | "void" → answer that HTTP status instead; "create_answer" → create the
    # envelope, then answer that status (the answer is lost)
    fail_next: dict[str, int] = field(default_factory=dict)
    connect_url: str | None = None  # the API's base URL: where `/_fake/...` delivers Connect notifications
    accounts: dict[str, str | None] = field(default_factory=lambda: {ACCOUNT_ID: None})  # account → org id

    def __post_init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self._public_key = key.public_key()
        self._tokens: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> FakeDocuSign:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._serve(self, "POST")

            def do_GET(self) -> None:
                fake._serve(self, "GET")

            def do_PUT(self) -> None:
                fake._serve(self, "PUT")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="fake-docusign", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.envelopes.clear()
            self.calls.clear()
            self.fail_next.clear()
            self.grants = 0

    @property
    def base_uri(self) -> str:
        return f"http://{self.host}:{self.port}"

    def configuration(self, org_id: str | None = None) -> dict[str, Any]:
        """What an org stores in its SSM parameter to use this DocuSign (docs/ESIGN.md); with `org_id`, an
        account of its own, so a notification can be delivered to that org's webhook."""
        account_id = (
            ACCOUNT_ID if org_id is None else str(uuid.uuid5(uuid.NAMESPACE_URL, f"docusign:{org_id}"))
        )
        self.accounts[account_id] = org_id
        return {
            "provider": "docusign",
            "account_id": account_id,
            "integration_key": INTEGRATION_KEY,
            "user_id": USER_ID,
            "oauth_base_uri": self.base_uri,
            "base_uri": self.base_uri,
            "private_key": self.private_key_pem,
            "connect_hmac_secrets": list(self.hmac_secrets),
        }

    # -- Connect -------------------------------------------------------------------------------------

    def connect_message(self, envelope_id: str, event: str, *, reason: str | None = None) -> bytes:
        """A JSON SIM notification, with the envelope summary included (as the Connect configuration asks)."""
        status = {"envelope-completed": "completed", "envelope-declined": "declined"}.get(event, "voided")
        summary: dict[str, Any] = {
            "status": status,
            "emailSubject": "Please sign",
            "recipients": {"signers": []},
        }
        envelope = self.envelopes.get(envelope_id)
        for signer in envelope.signers if envelope else []:
            summary["recipients"]["signers"].append(
                {
                    "recipientId": signer["recipientId"],
                    "routingOrder": signer["routingOrder"],
                    "status": status,
                }
            )
        if event == "envelope-declined" and summary["recipients"]["signers"]:
            summary["recipients"]["signers"][0]["declinedReason"] = reason
        if event == "envelope-voided":
            summary["voidedReason"] = reason
        account_id = envelope.account_id if envelope else ACCOUNT_ID
        message = {
            "event": event,
            "apiVersion": "v2.1",
            "uri": f"/restapi/v2.1/accounts/{account_id}/envelopes/{envelope_id}",
            "retryCount": 0,
            "configurationId": 10_000_001,
            "generatedDateTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "data": {
                "accountId": account_id,
                "userId": USER_ID,
                "envelopeId": envelope_id,
                "envelopeSummary": summary,
            },
        }
        return json.dumps(message).encode()

    def connect_headers(self, body: bytes, secrets_used: tuple[str, ...] | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "X-Authorization-Digest": "HMACSHA256"}
        for n, secret in enumerate(secrets_used or self.hmac_secrets, start=1):
            digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
            headers[f"X-DocuSign-Signature-{n}"] = base64.b64encode(digest).decode()
        return headers

    # -- the HTTP API ----------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlparse(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            self.calls.append((method, url.path))
        try:
            status, payload, content_type = self._route(method, url.path, parse_qs(url.query), body, handler)
        except _Refusal as refusal:
            status, payload, content_type = refusal.status, {"errorCode": refusal.code}, "application/json"
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: bytes,
        handler: BaseHTTPRequestHandler,
    ) -> tuple[int, Any, str]:
        if method == "POST" and path == "/oauth/token":
            return 200, self._grant(body), "application/json"
        if method == "POST" and path.startswith("/_fake/envelopes/"):
            return self._deliver(path.removeprefix("/_fake/envelopes/"), body)
        parts = path.split("/")  # "", "restapi", "v2.1", "accounts", account, "envelopes", ...
        if len(parts) < 6 or parts[1:4] != ["restapi", "v2.1", "accounts"] or parts[4] not in self.accounts:
            raise _Refusal(404, "RESOURCE_NOT_FOUND")
        account_id = parts[4]
        prefix = f"/restapi/v2.1/accounts/{account_id}/envelopes"
        if not path.startswith(prefix):
            raise _Refusal(404, "RESOURCE_NOT_FOUND")
        self._authorize(handler.headers.get("Authorization") or "")
        rest = path[len(prefix) :].strip("/").split("/") if path != prefix else []
        if method == "POST" and not rest:
            return 201, self._create(body, account_id), "application/json"
        if method == "GET" and not rest:
            return 200, self._list(query, account_id), "application/json"
        envelope = self.envelopes.get(rest[0]) if rest else None
        if envelope is None or envelope.account_id != account_id:
            raise _Refusal(404, "ENVELOPE_DOES_NOT_EXIST")
        if method == "GET" and rest[1:] == ["documents", "combined"]:
            self._maybe_fail("download")
            return 200, envelope.document + SIGNED_TRAILER, "application/pdf"
        if method == "PUT" and len(rest) == 1:
            return 200, self._void(envelope, body), "application/json"
        raise _Refusal(404, "RESOURCE_NOT_FOUND")

    def _grant(self, body: bytes) -> dict[str, Any]:
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if form.get("grant_type") != JWT_GRANT:
            raise _Refusal(400, "unsupported_grant_type")
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                self._public_key,
                algorithms=["RS256"],
                audience=f"{self.host}:{self.port}",
                issuer=INTEGRATION_KEY,
                options={"require": ["iss", "sub", "aud", "iat", "exp"]},
            )
        except jwt.PyJWTError:
            raise _Refusal(400, "invalid_grant") from None
        if claims["sub"] != USER_ID or "signature" not in str(claims.get("scope", "")).split():
            raise _Refusal(400, "invalid_grant")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens.add(token)
            self.grants += 1
        return {"access_token": token, "token_type": "Bearer", "expires_in": 3600}

    def _authorize(self, header: str) -> None:
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or token not in self._tokens:
            raise _Refusal(401, "AUTHORIZATION_INVALID_TOKEN")

    def _create(self, body: bytes, account_id: str) -> dict[str, Any]:
        self._maybe_fail("create")
        with self._lock:
            lose_answer = self.fail_next.pop("create_answer", None)
        doc = json.loads(body)
        documents = doc.get("documents") or []
        signers = (doc.get("recipients") or {}).get("signers") or []
        if doc.get("status") != "sent" or len(documents) != 1 or not signers:
            raise _Refusal(400, "INVALID_REQUEST_BODY")
        if not base64.b64decode(documents[0]["documentBase64"]).startswith(b"%PDF"):
            raise _Refusal(400, "INVALID_DOCUMENT")
        if any(not s.get("email") or not str(s.get("routingOrder", "")).isdigit() for s in signers):
            raise _Refusal(400, "INVALID_RECIPIENT")
        envelope = Envelope(str(uuid.uuid4()), doc, account_id)
        with self._lock:
            self.envelopes[envelope.envelope_id] = envelope
        if lose_answer is not None:  # created, but the caller never hears so (a gateway timeout)
            raise _Refusal(lose_answer, "GATEWAY_TIMEOUT")
        return {
            "envelopeId": envelope.envelope_id,
            "uri": f"/envelopes/{envelope.envelope_id}",
            "statusDateTime": datetime.now(UTC).isoformat(),
            "status": "sent",
        }

    def _list(self, query: dict[str, list[str]], account_id: str) -> dict[str, Any]:
        if not query.get("from_date"):
            raise _Refusal(400, "INVALID_REQUEST_PARAMETER")
        name, _, value = (query.get("custom_field") or [""])[0].partition("=")
        found = [
            {"envelopeId": e.envelope_id, "status": e.status}
            for e in self.envelopes.values()
            if e.account_id == account_id and (not name or e.custom_field(name) == value)
        ]
        return {"resultSetSize": str(len(found)), "envelopes": found}

    def _void(self, envelope: Envelope, body: bytes) -> dict[str, Any]:
        self._maybe_fail("void")
        doc = json.loads(body)
        if doc.get("status") != "voided" or not doc.get("voidedReason"):
            raise _Refusal(400, "INVALID_REQUEST_BODY")
        if envelope.status != "sent":
            raise _Refusal(400, "ENVELOPE_CANNOT_VOID_INVALID_STATE")
        envelope.status, envelope.voided_reason = "voided", doc["voidedReason"]
        return {"envelopeId": envelope.envelope_id}

    def _maybe_fail(self, what: str) -> None:
        with self._lock:
            status = self.fail_next.pop(what, None)
        if status is not None:
            raise _Refusal(status, "INJECTED_FAILURE")

    def complete(self, envelope_id: str) -> None:
        self.envelopes[envelope_id].status = "completed"

    def _deliver(self, rest: str, body: bytes) -> tuple[int, Any, str]:
        """Local mode's stand-in for the signers: finish an envelope and deliver Connect's notification to
        the API, signed like Connect; answers what the API answered."""
        envelope_id, _, outcome = rest.partition("/")
        envelope = self.envelopes.get(envelope_id)
        org_id = self.accounts.get(envelope.account_id) if envelope else None
        if envelope is None or org_id is None or self.connect_url is None:
            raise _Refusal(404, "ENVELOPE_DOES_NOT_EXIST")
        if outcome not in ("completed", "declined", "voided"):
            raise _Refusal(400, "INVALID_REQUEST_PARAMETER")
        reason = json.loads(body).get("reason") if body.strip() else None
        envelope.status = outcome
        message = self.connect_message(
            envelope_id, f"envelope-{outcome}", reason=reason or f"{outcome} locally"
        )
        request = urllib.request.Request(  # noqa: S310 - the local API's http URL
            f"{self.connect_url}/v1/integrations/docusign/connect/{org_id}",
            data=message,
            headers=self.connect_headers(message),
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - the local API's http URL
                return reply.status, reply.read(), "application/json"
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read(), "application/json"


class _Refusal(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
