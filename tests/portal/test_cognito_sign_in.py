"""Signing in with Cognito's hosted UI (the portal in AWS), against a stand-in for the hosted UI on
loopback: the authorization code flow with PKCE (S256) and a checked state, the code gone from the address
bar, the session kept in the tab (never in a URL or localStorage), and sign-out through the hosted UI's
logout. The stand-in checks what Cognito checks: the client, the redirect URI, and that the verifier sent
with the code hashes to the challenge sent with the authorization.

The browser talks to the `make run` stack's own portal (its origin is the one the API's CORS allows); the
page is given the configuration and the CSP a Cognito-configured portal server sends (devstack/portal.py)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from devstack.portal import _policy
from tests.portal.conftest import PHONE, Stack
from tests.support.local_stack import free_port

CLIENT_ID = "threshold-dev-portal"
CLIENT = "bianca.buyer@mail.example"


@dataclass
class HostedUi:
    """Cognito's /oauth2/authorize, /oauth2/token and /logout, as far as the portal uses them."""

    url: str
    id_token: str
    portal: str
    authorizations: list[dict[str, str]] = field(default_factory=list)
    exchanges: list[dict[str, str]] = field(default_factory=list)
    logouts: list[dict[str, str]] = field(default_factory=list)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        ui = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/oauth2/authorize":
                    ui.authorizations.append(query)
                    code = secrets.token_urlsafe(16)
                    ui.codes[code] = query
                    return self._redirect(
                        f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    )
                if url.path == "/logout":
                    ui.logouts.append(query)
                    return self._redirect(query["logout_uri"])
                self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                if urlsplit(self.path).path != "/oauth2/token":
                    return self._json(404, {"error": "not_found"})
                form = {
                    k: v[0]
                    for k, v in parse_qs(
                        self.rfile.read(int(self.headers["Content-Length"])).decode()
                    ).items()
                }
                ui.exchanges.append(form)
                asked = ui.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                digest = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                )
                if (
                    asked is None
                    or form.get("grant_type") != "authorization_code"
                    or form.get("client_id") != asked["client_id"]
                    or form.get("redirect_uri") != asked["redirect_uri"]
                    or digest != asked["code_challenge"]
                ):
                    return self._json(400, {"error": "invalid_grant"})
                self._json(
                    200,
                    {
                        "id_token": ui.id_token,
                        "access_token": "opaque",
                        "token_type": "Bearer",
                        "expires_in": 3600,
                    },
                )

            def _redirect(self, location: str) -> None:
                """Back to the portal. Cognito answers 302; the stand-in sends a page that moves on at once,
                so the browser starts a new navigation, which the test's routing (playing the portal's
                host) sees — a redirected request bypasses it."""
                page = f'<!doctype html><meta http-equiv="refresh" content="0;url={html.escape(location)}">'
                data = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _json(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header(
                    "Access-Control-Allow-Origin", ui.portal
                )  # as Cognito answers the app's origin
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


@pytest.fixture
def hosted_ui(portal_stack: Stack) -> Iterator[HostedUi]:
    port = free_port()
    ui = HostedUi(f"http://127.0.0.1:{port}", portal_stack.tokens[CLIENT], portal_stack.portal)
    server = ThreadingHTTPServer(("127.0.0.1", port), ui.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ui
    server.shutdown()
    server.server_close()


@pytest.fixture
def deployed_page(browser: Any, portal_stack: Stack, hosted_ui: HostedUi) -> Iterator[Any]:
    """The stack's portal as a Cognito-configured host serves it: its config.json and its CSP."""
    config = {
        "mode": "cognito",
        "api_url": portal_stack.api,
        "storage_url": portal_stack.emulator,
        "cognito": {
            "domain": hosted_ui.url,
            "client_id": CLIENT_ID,
            "redirect_uri": f"{portal_stack.portal}/auth/callback",
            "logout_uri": f"{portal_stack.portal}/",
        },
    }
    policy = _policy(config)

    def as_deployed(route: Any) -> None:
        if urlsplit(route.request.url).path == "/config.json":
            return route.fulfill(status=200, content_type="application/json", body=json.dumps(config))
        served = route.fetch()
        route.fulfill(response=served, headers={**served.headers, "content-security-policy": policy})

    # A page that Playwright serves has no address of its own, so Chromium treats the portal as a public
    # site calling loopback (the API, the stand-in) and asks the user: the permission is granted up front,
    # as a deployed portal (a public site calling a public API) never needs it.
    context = browser.new_context(viewport=PHONE, permissions=["local-network-access"])
    context.set_default_timeout(30_000)
    context.route(lambda url: url.startswith(portal_stack.portal + "/"), as_deployed)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"the page raised: {errors}"


def test_the_hosted_ui_signs_a_client_in_with_pkce_and_out_again(
    deployed_page: Any, portal_stack: Stack, hosted_ui: HostedUi
) -> None:
    page = deployed_page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    # When a client opens her deals, is sent to sign in, and presses "Sign in"
    page.goto(portal_stack.portal + "/deals")
    page.get_by_role("heading", level=1, name="Sign in to Threshold").wait_for()
    page.get_by_role("button", name="Sign in").click()

    # Then she comes back from the hosted UI signed in, on the page she asked for
    page.get_by_role("heading", level=1, name="My deals").wait_for()
    page.get_by_role("link", name="Reyes purchase — 14 Elm St").wait_for()

    # And the portal asked for a code with PKCE (S256) and a state, for this client and callback
    [asked] = hosted_ui.authorizations
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
    assert asked["redirect_uri"] == f"{portal_stack.portal}/auth/callback"
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert set(asked["scope"].split()) == {"openid", "email", "profile"}
    assert len(asked["state"]) >= 16
    # and swapped it once, with the verifier of that challenge (the stand-in refuses any other)
    [exchange] = hosted_ui.exchanges
    assert exchange["code_verifier"] and "code_verifier" not in asked

    # And the code is gone from the address bar, and no token was ever in a URL or in localStorage
    assert urlsplit(page.url).query == "" and urlsplit(page.url).path == "/deals"
    assert page.evaluate("location.search") == ""
    assert not [u for u in requests if hosted_ui.id_token in u or "id_token=" in u]
    assert page.evaluate("localStorage.length") == 0
    assert hosted_ui.id_token in page.evaluate("sessionStorage.getItem('threshold.session')")

    # When she signs out, the hosted UI's session ends too, and she is back on the portal, signed out
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", level=1, name="Sign in to Threshold").wait_for()
    [logout] = hosted_ui.logouts
    assert logout == {"client_id": CLIENT_ID, "logout_uri": f"{portal_stack.portal}/"}
    assert page.evaluate("sessionStorage.getItem('threshold.session')") is None


def test_a_callback_whose_state_the_portal_did_not_send_is_refused(
    deployed_page: Any, portal_stack: Stack, hosted_ui: HostedUi
) -> None:
    page = deployed_page
    # When a page arrives at the callback with a code and a state this tab never sent (a forged link)
    page.goto(portal_stack.portal + "/auth/callback?code=stolen&state=forged")

    # Then nothing is exchanged, the code leaves the address bar, and the page says what to do
    page.get_by_role("alert").get_by_text("Start again from the sign-in page").wait_for()
    assert hosted_ui.exchanges == []
    assert urlsplit(page.url).query == ""
    assert page.evaluate("sessionStorage.getItem('threshold.session')") is None
