"""The app's functions as deployed: one least-privilege role each, the stage's configuration, their logs,
failure destinations and alarms, and the REST API behind Cognito."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.permissions import PROFILES
from tests.infra.conftest import Synth
from tests.infra.support import (
    allowed_actions,
    functions,
    logical_id_of_function,
    one,
    refers_to,
    resources,
)

STAGES = ["dev", "prod"]


@pytest.mark.parametrize("stage", STAGES)
def test_each_function_has_its_own_role_and_no_placeholder_remains(synth: Synth, stage: str) -> None:
    template = synth.template(stage)
    roles = {json.dumps(fn["Properties"]["Role"]) for fn in functions(template).values()}
    assert len(roles) == len(functions(template))
    assert "threshold-role-set-by-infra" not in json.dumps(template)
    assert set(functions(template)) <= set(PROFILES) | {
        n for n in functions(template) if n.startswith("runbook_")
    }


def test_the_api_may_read_and_write_items_sign_uploads_and_email_but_not_read_the_stream(
    dev: dict[str, Any],
) -> None:
    actions = allowed_actions(dev, "api_handler")
    assert {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"} <= actions
    assert {"s3:PutObject", "s3:GetObject", "ses:SendEmail"} <= actions
    # it may text a phone (an admin's resend of a notification), never publish to a topic (the sms grant's
    # deny); the permission harness proves each call it makes is allowed
    assert not {"dynamodb:GetRecords", "sqs:ReceiveMessage", "events:PutEvents"} & actions


@pytest.mark.parametrize("stage", STAGES)
def test_functions_get_the_stages_configuration_from_the_stacks_resources(synth: Synth, stage: str) -> None:
    template = synth.template(stage)
    table_id, _ = one(template, "AWS::DynamoDB::Table")
    pool_id, _ = one(template, "AWS::Cognito::UserPool")
    client_id, _ = one(template, "AWS::Cognito::UserPoolClient")
    secret_id, _ = one(template, "AWS::SecretsManager::Secret")
    for name, fn in functions(template).items():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["STAGE"] == stage, name
        assert refers_to(env["TABLE_NAME"], table_id)
        assert env["TABLE_STREAM_ARN"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
        assert env["UPLOAD_QUEUE_NAME"] == f"threshold-{stage}-uploads"
        assert env["SES_FEEDBACK_TOPIC_NAME"] == f"threshold-{stage}-ses-feedback"
        # the issuer and key set are the user pool's own (what config.py demands of a deployed stage)
        assert refers_to(env["TOKEN_ISSUER"], pool_id) and "https://" in json.dumps(env["TOKEN_ISSUER"])
        assert json.dumps(env["JWKS_URL"]).endswith('"/.well-known/jwks.json"]]}')
        assert refers_to(env["TOKEN_AUDIENCE"], client_id)
        # the cursor secret is resolved by CloudFormation at deploy time, never written here
        assert "{{resolve:secretsmanager:" in json.dumps(env["CURSOR_SECRET"])
        assert refers_to(env["CURSOR_SECRET"], secret_id)


@pytest.mark.parametrize("stage", STAGES)
def test_every_function_logs_to_its_own_group_with_the_stages_retention(synth: Synth, stage: str) -> None:
    template = synth.template(stage)
    groups = resources(template, "AWS::Logs::LogGroup")
    expected = 30 if stage == "dev" else 365
    for name, fn in functions(template).items():
        ref = fn["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert groups[ref]["Properties"]["RetentionInDays"] == expected, name


@pytest.mark.parametrize("stage", STAGES)
def test_alarms_watch_every_dlq_and_function_and_the_api_and_notify_the_alarm_topic(
    synth: Synth, stage: str
) -> None:
    template = synth.template(stage)
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    topic_id = next(k for k, v in resources(template, "AWS::SNS::Topic").items() if "alarms" in json.dumps(v))
    dlqs = [
        k
        for k, v in resources(template, "AWS::SQS::Queue").items()
        if v["Properties"]["QueueName"].endswith("-dlq")
    ]
    fns = functions(template)
    # Given four dead-letter queues (uploads, outbox stream, asynchronous invocations, export slices)
    assert len(dlqs) == 4
    streams = [n for n, fn in fns.items() if "DynamoDB" in json.dumps(fn["Properties"].get("Events", {}))]
    # Then: one alarm per DLQ, errors and throttles per function, the lag of each stream consumer, and
    # the API's 5xx rate
    assert len(alarms) == len(dlqs) + 2 * len(fns) + len(streams) + 1
    for logical_id, alarm in alarms.items():
        assert any(refers_to(a, topic_id) for a in alarm["Properties"]["AlarmActions"]), logical_id
    for dlq in dlqs:
        assert any(refers_to(a["Properties"].get("Dimensions", []), dlq) for a in alarms.values()), dlq
    for name in fns:
        fn_id = logical_id_of_function(template, name)
        watched = [a for a in alarms.values() if refers_to(a["Properties"].get("Dimensions", []), fn_id)]
        expected = ["Errors", "IteratorAge", "Throttles"] if name in streams else ["Errors", "Throttles"]
        assert sorted(a["Properties"]["MetricName"] for a in watched) == expected, name
    (rate,) = [a for a in alarms.values() if "Metrics" in a["Properties"]]
    assert "5XXError" in json.dumps(rate) and rate["Properties"]["Threshold"] == 0.05


def test_the_api_needs_a_cognito_token_except_on_public_routes_and_preflights(dev: dict[str, Any]) -> None:
    # Given the REST API's definition
    _, api = one(dev, "AWS::Serverless::Api")
    definition = api["Properties"]["DefinitionBody"]
    pool_id, _ = one(dev, "AWS::Cognito::UserPool")

    # Then the Cognito authorizer trusts the stage's user pool
    authorizer = definition["securityDefinitions"]["cognito"]
    assert authorizer["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    assert refers_to(authorizer["x-amazon-apigateway-authorizer"]["providerARNs"], pool_id)
    # And routes declared `auth=False` (health, the OpenAPI document) and every preflight stay open
    paths = definition["paths"]
    assert "security" not in paths["/v1/health"]["get"]
    assert "security" not in paths["/v1/openapi.json"]["get"]
    assert all("security" not in ops["options"] for ops in paths.values() if "options" in ops)
    # And every operation for people requires the token at the gateway; those API clients may call too
    # take their access tokens, which this authorizer refuses: the app authenticates them (issue 16)
    assert paths["/v1/me"]["get"]["security"] == [{"cognito": []}]
    assert paths["/v1/admin/api-clients"]["post"]["security"] == [{"cognito": []}]
    assert "security" not in paths["/v1/deals"]["get"]
    assert "security" not in paths["/v1/deals"]["post"]
    # And API Gateway's own refusals speak the app's error envelope
    unauthorized = definition["x-amazon-apigateway-gateway-responses"]["UNAUTHORIZED"]
    assert (
        json.loads(unauthorized["responseTemplates"]["application/json"])["error"]["code"]
        == "unauthenticated"
    )


def test_the_api_is_named_per_stage_traced_and_access_logged(prod: dict[str, Any]) -> None:
    _, api = one(prod, "AWS::Serverless::Api")
    props = api["Properties"]
    assert props["Name"] == "threshold-prod"
    assert props["TracingEnabled"] is True
    assert props["AccessLogSetting"]["DestinationArn"]
    assert props["MethodSettings"][0]["DataTraceEnabled"] is False  # bodies carry personal data


def test_the_user_pool_is_invitation_only_with_a_strong_password_policy(prod: dict[str, Any]) -> None:
    _, pool = one(prod, "AWS::Cognito::UserPool")
    props = pool["Properties"]
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    policy = props["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12 and policy["RequireSymbols"] is True
    assert props["DeletionProtection"] == "ACTIVE"
    assert pool["DeletionPolicy"] == "Retain"
    _, client = one(prod, "AWS::Cognito::UserPoolClient")
    assert client["Properties"]["GenerateSecret"] is False
    assert client["Properties"]["PreventUserExistenceErrors"] == "ENABLED"


def test_ses_feedback_and_domain_events_have_their_destinations(dev: dict[str, Any]) -> None:
    # Given the SES configuration set's event destination
    _, destination = one(dev, "AWS::SES::ConfigurationSetEventDestination")
    event_destination = destination["Properties"]["EventDestination"]
    topic_id = next(
        k
        for k, v in resources(dev, "AWS::SNS::Topic").items()
        if v["Properties"]["TopicName"] == "threshold-dev-ses-feedback"
    )
    # Then bounces and complaints go to the feedback topic
    assert {"bounce", "complaint"} <= set(event_destination["MatchingEventTypes"])
    assert refers_to(event_destination["SnsDestination"]["TopicARN"], topic_id)
    # And the domain-event bus is the one the functions are told about
    bus_id, _ = one(dev, "AWS::Events::EventBus")
    for fn in functions(dev).values():
        assert refers_to(fn["Properties"]["Environment"]["Variables"]["EVENT_BUS_NAME"], bus_id)
