"""The deployed portal's config.json, from a stage's cdk.json values and its stack's outputs: the hosted UI
of the stage's region and prefix, the portal's app client, and the callback and sign-out addresses that
client allows (infra/identity.py)."""

from __future__ import annotations

import json

import pytest

from scripts.portal_config import NotConfigured, main, portal_config

STAGE = {"portal_url": "https://portal.acme.example/", "cognito_domain": "acme-portal"}
OUTPUTS = {
    "APIHandlerEndpointURL": "https://abc123.execute-api.eu-west-1.amazonaws.com/api/",
    "UserPoolClientId": "4example5client6id",
    "DocumentsBucket": "threshold-prod-documents-123456789012-eu-west-1",
    "TokenIssuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf",
}


def test_the_portal_signs_in_with_the_stages_hosted_ui_and_calls_its_api():
    assert portal_config(STAGE, OUTPUTS) == {
        "mode": "cognito",
        "api_url": "https://abc123.execute-api.eu-west-1.amazonaws.com/api",
        "storage_url": "https://threshold-prod-documents-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com",
        "cognito": {
            "domain": "https://acme-portal.auth.eu-west-1.amazoncognito.com",
            "client_id": "4example5client6id",
            "redirect_uri": "https://portal.acme.example/auth/callback",
            "logout_uri": "https://portal.acme.example/",
        },
    }


def test_a_stage_without_a_hosted_ui_or_outputs_is_refused_with_what_is_missing():
    with pytest.raises(NotConfigured, match="cognito_domain"):
        portal_config({**STAGE, "cognito_domain": ""}, OUTPUTS)
    with pytest.raises(NotConfigured, match="EndpointURL, UserPoolClientId"):
        portal_config(STAGE, {"DocumentsBucket": "b", "TokenIssuer": "https://cognito-idp.x.amazonaws.com/p"})


def test_the_command_reads_cdk_json_and_the_outputs_file(tmp_path, capsys):
    outputs = tmp_path / "cdk-outputs.json"
    outputs.write_text(json.dumps({"threshold-dev": OUTPUTS}))
    # the repository's dev stage has no hosted UI yet: the command says so and exits 2
    assert main(["--stage", "dev", "--outputs", str(outputs)]) == 2
    assert "cognito_domain" in capsys.readouterr().err
    assert main(["--stage", "qa", "--outputs", str(outputs)]) == 2
