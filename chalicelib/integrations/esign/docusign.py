"""DocuSign through its eSignature REST API v2.1 (docs/ESIGN.md, "DocuSign").

- Authentication: the JWT grant. An RS256 assertion signed with the integration's private key
  (`iss` the integration key, `sub` the sending user, `aud` the OAuth host, `scope` "signature
  impersonation", one hour at most) is exchanged at `POST {oauth base}/oauth/token` with
  `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`; the access token is kept until a minute
  before it expires.
- Create: `POST /restapi/v2.1/accounts/{accountId}/envelopes` with the PDF as `documentBase64`, the
  signers with their `routingOrder`, `status: "sent"`, and the attempt id as a hidden text custom field.
- Find: `GET …/envelopes?from_date=…&custom_field=threshold_attempt=<id>` (the envelopes an attempt
  created, for a retried send).
- Download: `GET …/envelopes/{envelopeId}/documents/combined` (one PDF).
- Void: `PUT …/envelopes/{envelopeId}` with `{"status": "voided", "voidedReason"}`.

HTTP goes through the standard library (no SDK to load): short timeouts, no retries of a create (a
retried send finds the envelope instead). Nothing here logs a token, a key or a recipient's email.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.integrations.esign.provider import EnvelopeRequest, ProviderError
from chalicelib.integrations.esign.settings import DocuSignSettings

ATTEMPT_FIELD = "threshold_attempt"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SCOPES = "signature impersonation"
TIMEOUT_SECONDS = 8  # the API function has 10 s
FIND_WINDOW = timedelta(days=30)

_tokens: dict[tuple[str, str], tuple[float, str]] = {}
_lock = threading.Lock()


class DocuSign:
    name = "docusign"

    def __init__(self, config: DocuSignSettings) -> None:
        self.config = config

    # -- the provider interface ------------------------------------------------------------------

    def create_envelope(self, request: EnvelopeRequest) -> str:
        body = {
            "emailSubject": request.subject[:100],
            "status": "sent",
            "documents": [
                {
                    "documentBase64": base64.b64encode(request.document).decode("ascii"),
                    "name": request.document_name,
                    "fileExtension": "pdf",
                    "documentId": "1",
                }
            ],
            "recipients": {
                "signers": [
                    {
                        "email": s.email,
                        "name": s.name,
                        "recipientId": s.recipient_id,
                        "routingOrder": str(s.order),
                    }
                    for s in request.signers
                ]
            },
            "customFields": {
                "textCustomFields": [
                    {"name": ATTEMPT_FIELD, "value": request.attempt_id, "show": "false", "required": "false"}
                ]
            },
        }
        reply = self._json("POST", "/envelopes", body)
        envelope_id = reply.get("envelopeId")
        if not isinstance(envelope_id, str) or not envelope_id:
            raise ProviderError("DocuSign answered a create without an envelope id")
        return envelope_id

    def find_envelope(self, attempt_id: str) -> str | None:
        since = (datetime.now(UTC) - FIND_WINDOW).strftime("%Y-%m-%dT%H:%M:%SZ")
        query = urllib.parse.urlencode({"from_date": since, "custom_field": f"{ATTEMPT_FIELD}={attempt_id}"})
        reply = self._json("GET", f"/envelopes?{query}")
        for envelope in reply.get("envelopes") or []:
            if isinstance(envelope, dict) and envelope.get("envelopeId"):
                return str(envelope["envelopeId"])
        return None

    def signed_document(self, envelope_id: str) -> bytes:
        return self._call(
            "GET", f"/envelopes/{_segment(envelope_id)}/documents/combined", accept="application/pdf"
        )

    def void(self, envelope_id: str, reason: str) -> None:
        self._json("PUT", f"/envelopes/{_segment(envelope_id)}", {"status": "voided", "voidedReason": reason})

    # -- HTTP --------------------------------------------------------------------------------------

    def _json(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        raw = self._call(method, path, body=body)
        try:
            reply = json.loads(raw or b"{}")
        except ValueError as exc:
            raise ProviderError("DocuSign answered something that is not JSON") from exc
        return reply if isinstance(reply, dict) else {}

    def _call(
        self, method: str, path: str, *, body: dict[str, Any] | None = None, accept: str = "application/json"
    ) -> bytes:
        url = f"{self.config.base_uri}/restapi/v2.1/accounts/{_segment(self.config.account_id)}{path}"
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": accept}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        return _send(_request(url, data=data, headers=headers, method=method))

    def _token(self) -> str:
        key = (self.config.oauth_base_uri, self.config.integration_key + "/" + self.config.user_id)
        with _lock:
            cached = _tokens.get(key)
            if cached is not None and cached[0] > time.time() + 60:
                return cached[1]
        token, lifetime = self._grant()
        with _lock:
            _tokens[key] = (time.time() + lifetime, token)
        return token

    def _grant(self) -> tuple[str, int]:
        import jwt  # PyJWT[crypto], already the API's token verifier; loaded only when a send happens

        now = int(time.time())
        assertion = jwt.encode(
            {
                "iss": self.config.integration_key,
                "sub": self.config.user_id,
                "aud": urllib.parse.urlparse(self.config.oauth_base_uri).netloc,
                "iat": now,
                "exp": now + 3600,
                "scope": SCOPES,
            },
            self.config.private_key,
            algorithm="RS256",
        )
        form = urllib.parse.urlencode({"grant_type": JWT_GRANT, "assertion": assertion}).encode()
        request = _request(
            f"{self.config.oauth_base_uri}/oauth/token",
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            method="POST",
        )
        try:
            reply = json.loads(_send(request))
        except ValueError as exc:
            raise ProviderError("DocuSign's token endpoint answered something that is not JSON") from exc
        token = reply.get("access_token") if isinstance(reply, dict) else None
        if not isinstance(token, str) or not token:
            raise ProviderError("DocuSign granted no access token")
        return token, int(reply.get("expires_in") or 3600)


def _request(url: str, *, data: bytes | None, headers: dict[str, str], method: str) -> urllib.request.Request:
    """Only http(s): the base URIs come from the org's configuration, which settings.py holds to https in a
    deployed stage (http only for the local fake)."""
    if urllib.parse.urlparse(url).scheme not in ("https", "http"):
        raise ProviderError("the e-signature base URI must be https")
    return urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 - checked above


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _send(request: urllib.request.Request) -> bytes:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:  # noqa: S310 - _request checked it
            data: bytes = reply.read()
            return data
    except urllib.error.HTTPError as exc:
        raise ProviderError(
            f"DocuSign refused the request (HTTP {exc.code})", refused=400 <= exc.code < 500
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ProviderError("DocuSign could not be reached") from exc


def forget_tokens() -> None:
    with _lock:
        _tokens.clear()
