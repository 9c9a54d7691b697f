"""The portal's local web server (devstack/portal.py), without a browser: portal routes get the app, the
page gets its configuration, and the local sign-in mints a token the API accepts — only for the portal's
own pages, and only as a local-mode stand-in that no deployed stage has."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from app import app
from devstack.portal import PortalServer
from tests.conftest import SIGNER
from tests.support.local_stack import free_port

API = "http://127.0.0.1:8999"


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    server = PortalServer(
        "127.0.0.1",
        port,
        signer=SIGNER,
        config={"mode": "local", "api_url": API, "demo_people": []},
        origins=(origin,),
    )
    server.start()
    yield origin
    server.stop()


def fetch(url: str, *, body: object = None, origin: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json"} | ({"Origin": origin} if origin else {})
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, headers=headers), timeout=5
        ) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
    except urllib.error.HTTPError as refused:
        return refused.code, {k.lower(): v for k, v in refused.headers.items()}, refused.read()


def test_every_portal_route_serves_the_app_and_the_page_reads_its_configuration(portal):
    index = (Path(__file__).resolve().parents[2] / "portal" / "index.html").read_bytes()
    for path in ("/", "/deals/dl_x", "/invitations/abc-DEF_123", "/staff/review"):
        status, headers, body = fetch(portal + path)
        assert (status, body) == (200, index)
        assert headers["cache-control"] == "no-store" and headers["referrer-policy"] == "no-referrer"
        assert f"connect-src 'self' {API}" in headers["content-security-policy"]
    status, headers, body = fetch(portal + "/app.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert json.loads(fetch(portal + "/config.json")[2])["api_url"] == API


def test_local_sign_in_mints_a_token_the_api_verifies(portal, api, table):
    # When the portal's sign-in page asks for a token for any email
    status, _, body = fetch(portal + "/local/token", body={"email": "New.Person@Mail.example"}, origin=portal)

    # Then it is an ID token for that email, which the API accepts as that person
    assert status == 200
    token = json.loads(body)["id_token"]
    assert jwt.decode(token, options={"verify_signature": False})["token_use"] == "id"
    me = api.get("/v1/me", token=token)
    assert (me.status, me.json["email"]) == (200, "new.person@mail.example")


def test_the_sign_in_route_is_not_part_of_the_api():
    assert not [path for path in app.routes if path.startswith("/local")]


def test_local_sign_in_is_refused_to_other_origins_bad_emails_and_gets(portal):
    assert (
        fetch(portal + "/local/token", body={"email": "a@b.example"}, origin="https://evil.example")[0] == 403
    )
    assert fetch(portal + "/local/token", body={"email": "not-an-email"}, origin=portal)[0] == 422
    assert fetch(portal + "/local/token")[0] == 405
    assert fetch(portal + "/local/other", body={})[0] == 404


def test_a_portal_configured_for_cognito_has_no_local_sign_in_and_may_reach_the_hosted_ui():
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    hosted_ui = "https://acme-portal.auth.us-east-1.amazoncognito.com"
    config = {
        "mode": "cognito",
        "api_url": API,
        "cognito": {"domain": hosted_ui, "client_id": "c", "redirect_uri": f"{origin}/auth/callback"},
    }
    server = PortalServer("127.0.0.1", port, signer=SIGNER, config=config, origins=(origin,))
    server.start()
    try:
        status, _, body = fetch(origin + "/local/token", body={"email": "a@b.example"}, origin=origin)
        assert status == 404 and b"id_token" not in body
        _, headers, _ = fetch(origin + "/sign-in")
        assert f"connect-src 'self' {API} {hosted_ui}" in headers["content-security-policy"]
    finally:
        server.stop()
