"""What a portal page in a browser sees: CORS on every answer (unknown routes included), local origins,
and the error envelope where a framework would answer on its own."""

from __future__ import annotations

import pytest

AGENT = "alex.agent@harbormain.example"
PORTAL = "http://localhost:3000"


def test_an_unknown_path_is_a_404_envelope_the_portal_can_read(demo, api):
    # Given a portal page that calls a path no route serves, with its bearer token
    token = api.token(AGENT)
    # When it asks
    reply = api.get("/v1/no-such-thing", token=token, headers={"Origin": PORTAL})
    # Then it reads a 404 envelope (not a CORS failure), and nothing echoes the token
    assert reply.status == 404
    assert reply.json == {
        "error": {"code": "route_not_found", "message": "no route of this API matches this path"}
    }
    assert reply.headers["Access-Control-Allow-Origin"] == PORTAL
    assert token not in reply.raw.decode()
    assert "no-such-thing" not in reply.raw.decode()


def test_a_preflight_to_an_unknown_path_lets_the_browser_read_the_404(demo, api):
    reply = api.request(
        "OPTIONS",
        "/v1/deals/dl_x/nothing-here",
        headers={"Origin": PORTAL, "Access-Control-Request-Method": "GET"},
    )
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == PORTAL


def test_an_unknown_path_from_a_foreign_origin_gets_no_cors_grant(demo, api):
    reply = api.get("/v1/no-such-thing", headers={"Origin": "https://evil.example"})
    assert reply.status == 404
    assert "Access-Control-Allow-Origin" not in reply.headers


def test_an_unsupported_method_is_a_405_envelope_with_cors(demo, api):
    reply = api.request("DELETE", "/v1/deals", as_user=AGENT, headers={"Origin": PORTAL})
    assert reply.status == 405
    assert reply.json["error"]["code"] == "method_not_allowed"
    assert reply.headers["Access-Control-Allow-Origin"] == PORTAL


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "http://127.0.0.1:3000", "http://localhost:5173", "http://127.0.0.1"]
)
def test_local_mode_allows_localhost_and_127_0_0_1_on_any_port(demo, api, origin):
    reply = api.get("/v1/health", headers={"Origin": origin})
    assert reply.headers.get("Access-Control-Allow-Origin") == origin
    preflight = api.request(
        "OPTIONS", "/v1/deals", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == origin


@pytest.mark.parametrize(
    "origin", ["http://localhost.evil.example:3000", "https://evil.example", "http://localhost:abc", "null"]
)
def test_other_origins_stay_refused(demo, api, origin):
    reply = api.get("/v1/health", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in reply.headers
    preflight = api.request(
        "OPTIONS", "/v1/deals", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status == 403


def test_framework_refusals_do_not_echo_what_was_sent(demo, api):
    reply = api.request(
        "POST",
        "/v1/deals",
        as_user=AGENT,
        body=b"a=b",
        headers={"Content-Type": "text/x-<script>", "Origin": PORTAL},
    )
    assert reply.status == 415
    assert reply.json["error"]["code"] == "unsupported_media_type"
    assert "script" not in reply.raw.decode()
    assert reply.headers["Access-Control-Allow-Origin"] == PORTAL
