"""The reference portal's local web server: the static files in portal/, a `config.json` that points them
at this stack, and the local-only sign-in route that stands in for Cognito's hosted UI.

`POST /local/token` mints a token the way `make token` does. It exists only in this process, which only
`make run` starts on 127.0.0.1: it is not a route of the Chalice app, so no deployed stage can serve it
(docs/PORTAL.md). Nothing here logs a request line — invitation links carry their token in the path.
"""

from __future__ import annotations

import json
import re
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from devstack.localauth import LocalSigner

PORTAL_DIR = Path(__file__).resolve().parent.parent / "portal"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
MAX_BODY = 4096


class PortalServer:
    """Serves the portal on its own thread until `stop()`."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        signer: LocalSigner,
        config: dict[str, Any],
        origins: tuple[str, ...],
    ) -> None:
        settings = {"signer": signer, "config": config, "origins": origins, "policy": _policy(config)}
        handler = type("ConfiguredPortalHandler", (PortalHandler,), settings)
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="portal", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _policy(config: dict[str, Any]) -> str:
    """The portal talks to the API and to storage (presigned forms and downloads), nothing else — and, when
    it signs in with Cognito's hosted UI, to the UI's token endpoint (the code exchange)."""
    api, storage = str(config["api_url"]), str(config.get("storage_url", ""))
    cognito = str((config.get("cognito") or {}).get("domain", ""))
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(filter(None, ["connect-src 'self'", api, storage, cognito])),
            f"img-src 'self' data: blob: {storage}".strip(),
            f"frame-src 'self' blob: {storage}".strip(),
            f"object-src 'self' blob: {storage}".strip(),
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class PortalHandler(SimpleHTTPRequestHandler):
    signer: LocalSigner
    config: dict[str, Any]
    origins: tuple[str, ...]
    policy: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(PORTAL_DIR), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        return  # paths may hold an invitation token: never logged

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/config.json":
            return self._json(HTTPStatus.OK, self.config)
        if path.startswith("/local/"):
            return self._json(HTTPStatus.METHOD_NOT_ALLOWED, _error("method_not_allowed", "use POST"))
        if "." not in path.rsplit("/", 1)[-1]:
            self.path = "/index.html"  # a portal route (/deals/…, /invitations/…): the app decides
        super().do_GET()

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        # only a portal configured for local mode has the local sign-in: one set up for Cognito has none
        if urlsplit(self.path).path != "/local/token" or self.config.get("mode") != "local":
            return self._json(HTTPStatus.NOT_FOUND, _error("not_found", "no such route"))
        status, body = self._mint()
        self._json(status, body)

    def _mint(self) -> tuple[HTTPStatus, dict[str, Any]]:
        """A token for the email posted, from a page of this portal only."""
        origin = self.headers.get("Origin")
        if origin is not None and origin.rstrip("/") not in self.origins:
            return HTTPStatus.FORBIDDEN, _error("origin_not_allowed", "sign in from the portal")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _error("too_large", "body too large")
        try:
            email = str(json.loads(self.rfile.read(length) or b"{}").get("email", "")).strip().lower()
        except (ValueError, AttributeError):
            return HTTPStatus.BAD_REQUEST, _error("invalid_json", 'send {"email": "..."}')
        if not EMAIL.match(email):
            return HTTPStatus.UNPROCESSABLE_ENTITY, _error("invalid_email", "that is not an email address")
        return HTTPStatus.OK, {"id_token": self.signer.mint(email), "token_type": "Bearer"}

    def _json(self, status: HTTPStatus, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def demo_people(summary: dict[str, Any]) -> list[dict[str, str]]:
    """Who the sign-in page offers in local mode: every demo person, with the part they play."""
    from devstack.seed import PEOPLE, STAFF

    names = {email: name for staff in STAFF.values() for email, name, _ in staff}
    names.update({email: name for email, (name, _) in PEOPLE.items()})
    roles: dict[str, str] = {}
    for email, staff in summary["staff"].items():
        roles[email] = f"{staff['role']} at {staff['org']}"
    for deal in summary["deals"].values():
        for email, role in deal["parties"].items():
            roles.setdefault(email, f"{role.replace('_', ' ')} on {deal['workflow']} deals")
    return [{"email": e, "name": names.get(e, e), "role": roles.get(e, "")} for e in sorted(roles)]
