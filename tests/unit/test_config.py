"""Local signing cannot be switched on in a deployed stage; misconfiguration fails at start-up."""

from __future__ import annotations

import pytest

from chalicelib.config import ConfigError, load

POOL = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"


def deployed(**overrides: str) -> dict[str, str]:
    env = {
        "STAGE": "prod",
        "AWS_REGION": "us-east-1",
        "TABLE_NAME": "threshold-prod",
        "JWKS_URL": f"{POOL}/.well-known/jwks.json",
        "TOKEN_ISSUER": POOL,
        "TOKEN_AUDIENCE": "portal-client-id",
        "CURSOR_SECRET": "c" * 48,
        "PORTAL_URL": "https://portal.example.com",
        "PORTAL_ORIGINS": "https://portal.example.com",
        "DOCUMENTS_BUCKET": "threshold-prod-documents",
        "EVENT_BUS_NAME": "threshold-prod",
        "SENDER_EMAIL": "portal@example.com",
        "UPLOAD_QUEUE_NAME": "threshold-prod-uploads",
        "USER_POOL_ID": "us-east-1_AbCdEf123",
    }
    env.update(overrides)
    return env


def test_a_cognito_configuration_is_accepted():
    assert load(deployed()).stage == "prod"


@pytest.mark.parametrize("pool", ["", "us-east-1_Another1"])
def test_invitees_are_created_in_the_pool_that_signs_the_tokens(pool):
    with pytest.raises(ConfigError, match="USER_POOL_ID must be the pool of the token issuer"):
        load(deployed(USER_POOL_ID=pool))


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_a_local_key_set_is_refused_in_a_deployed_stage(stage):
    with pytest.raises(ConfigError, match="local signing is local-only"):
        load(deployed(STAGE=stage, JWKS_URL="file:///tmp/threshold/.local/auth/jwks.json"))


def test_a_home_made_issuer_is_refused_in_a_deployed_stage():
    with pytest.raises(ConfigError, match="Cognito"):
        load(
            deployed(
                TOKEN_ISSUER="https://threshold.local/auth", JWKS_URL="https://threshold.local/auth/jwks.json"
            )
        )


def test_a_jwks_url_from_elsewhere_than_the_issuer_is_refused():
    with pytest.raises(ConfigError, match="issuer's own"):
        load(deployed(JWKS_URL="https://attacker.example/.well-known/jwks.json"))


def test_plain_http_portal_origins_are_refused_in_a_deployed_stage():
    with pytest.raises(ConfigError, match="https"):
        load(deployed(PORTAL_ORIGINS="http://portal.example.com"))


def test_local_stage_accepts_the_local_key_set():
    env = deployed(
        STAGE="local",
        JWKS_URL="file:///tmp/jwks.json",
        TOKEN_ISSUER="https://threshold.local/auth",
        PORTAL_ORIGINS="http://localhost:3000",
    )
    assert load(env).is_local


def test_missing_variables_are_all_named():
    env = deployed()
    del env["TABLE_NAME"], env["TOKEN_AUDIENCE"]
    with pytest.raises(ConfigError, match="TABLE_NAME, TOKEN_AUDIENCE"):
        load(env)


@pytest.mark.parametrize(
    ("name", "value"), [("STAGE", "staging"), ("CURSOR_SECRET", "short"), ("MAX_BODY_BYTES", "x")]
)
def test_bad_values_stop_the_start(name, value):
    with pytest.raises(ConfigError):
        load(deployed(**{name: value}))


def test_a_deployed_stage_refuses_wildcard_origins():
    with pytest.raises(ConfigError, match="must be exact"):
        load(deployed(PORTAL_ORIGINS="https://*.example.com"))


def test_only_local_mode_reads_a_port_wildcard():
    local = load(
        deployed(
            STAGE="local",
            PORTAL_ORIGINS="http://localhost:*",
            JWKS_URL="file:///tmp/jwks.json",
            TOKEN_ISSUER="https://threshold.local",
        )
    )
    assert local.origin_allowed("http://localhost:5173")
    assert local.origin_allowed("http://localhost")
    assert not local.origin_allowed("http://127.0.0.1:5173")
    assert not local.origin_allowed("https://localhost:5173")
