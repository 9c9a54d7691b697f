"""The permission harness's policy evaluation (tests/support/iam/evaluate.py) decides as AWS documents:
explicit deny wins, identity or resource policy allows, conditions as written, KMS keys must agree."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.iam.evaluate import Principal, Request, UnknownCondition, decide

ROLE = "arn:aws:iam::123456789012:role/api"
ME = Principal(arn=ROLE, account="123456789012")
OBJECT = "arn:aws:s3:::docs/orgs/o_1/file"


def _request(action: str = "s3:PutObject", resource: str = OBJECT, **context: Any) -> Request:
    return Request(ME, action, resource, {"aws:SecureTransport": "true", **context})


def _allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def test_an_action_and_resource_must_both_match_wildcards_included() -> None:
    policy = [_allow("s3:Put*", "arn:aws:s3:::docs/orgs/*")]
    assert decide(_request(), policy).allowed
    assert decide(_request(action="S3:PUTOBJECT"), policy).allowed  # actions are case-insensitive
    assert not decide(_request(resource="arn:aws:s3:::docs/exports/x"), policy).allowed
    assert not decide(_request(action="s3:GetObject"), policy).allowed
    assert decide(
        _request(resource="arn:aws:s3:::docs/orgs/o_2/f"),
        [_allow("s3:PutObject", "arn:aws:s3:::docs/orgs/o_?/f")],
    ).allowed


def test_an_explicit_deny_wins_over_any_allow() -> None:
    deny = {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Sid": "NoWrites"}
    decision = decide(_request(), [_allow("s3:PutObject", "*")], [{**deny, "Principal": "*"}])
    assert not decision.allowed and decision.reason == "denied by NoWrites"


def test_a_deny_whose_condition_does_not_hold_does_not_apply() -> None:
    tls_only = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    assert decide(_request(), [_allow("s3:PutObject", "*")], [tls_only]).allowed
    assert not decide(
        _request(**{"aws:SecureTransport": "false"}), [_allow("s3:PutObject", "*")], [tls_only]
    ).allowed


def test_an_allow_whose_condition_fails_allows_nothing_and_denies_nothing() -> None:
    via_s3 = _allow(
        "kms:Decrypt", "*", Condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    )
    assert decide(
        _request("kms:Decrypt", "*", **{"kms:ViaService": "s3.us-east-1.amazonaws.com"}), [via_s3]
    ).allowed
    assert not decide(_request("kms:Decrypt", "*"), [via_s3]).allowed  # key absent: StringEquals fails
    other = _allow("kms:Decrypt", "*")
    assert decide(_request("kms:Decrypt", "*"), [via_s3, other]).allowed


def test_negated_operators_and_null_follow_aws_missing_key_rules() -> None:
    only_kms = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:PutObject",
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
            "Null": {"s3:x-amz-server-side-encryption": "false"},
        },
    }
    allow = [_allow("s3:PutObject", "*")]
    assert decide(_request(), allow, [only_kms]).allowed  # no header: the bucket default applies
    assert decide(_request(**{"s3:x-amz-server-side-encryption": "aws:kms"}), allow, [only_kms]).allowed
    assert not decide(_request(**{"s3:x-amz-server-side-encryption": "AES256"}), allow, [only_kms]).allowed


def test_a_resource_policy_allows_a_service_principal_it_names() -> None:
    cloudwatch = Principal(service="cloudwatch.amazonaws.com")
    topic = "arn:aws:sns:us-east-1:123456789012:alarms"
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": topic,
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"}},
    }
    alarm = {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:Errors"}
    assert decide(Request(cloudwatch, "sns:Publish", topic, alarm), [], [statement]).allowed
    assert not decide(
        Request(Principal(service="ses.amazonaws.com"), "sns:Publish", topic, alarm), [], [statement]
    ).allowed
    assert not decide(Request(cloudwatch, "sns:Publish", topic, {}), [], [statement]).allowed


def test_a_key_policy_must_allow_directly_or_delegate_to_the_account() -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/k"
    root = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    identity = [_allow("kms:Decrypt", key)]
    assert decide(_request("kms:Decrypt", key), identity, [root], key_policy=True).allowed
    assert not decide(_request("kms:Decrypt", key), identity, [], key_policy=True).allowed
    assert not decide(_request("kms:Decrypt", key), [], [root], key_policy=True).allowed


def test_not_action_and_not_resource_exclude() -> None:
    sms_only = [
        _allow("sns:Publish", "*"),
        {"Effect": "Deny", "Action": "sns:Publish", "Resource": "arn:aws:sns:*:*:*"},
    ]
    assert decide(_request("sns:Publish", "*"), sms_only).allowed  # a phone number
    assert not decide(_request("sns:Publish", "arn:aws:sns:us-east-1:123456789012:t"), sms_only).allowed
    everything_but = [{"Effect": "Allow", "NotAction": "s3:DeleteObject", "NotResource": "arn:aws:s3:::x/*"}]
    assert decide(_request("s3:PutObject", "arn:aws:s3:::y/k"), everything_but).allowed
    assert not decide(_request("s3:DeleteObject", "arn:aws:s3:::y/k"), everything_but).allowed
    assert not decide(_request("s3:PutObject", "arn:aws:s3:::x/k"), everything_but).allowed


def test_an_unknown_condition_operator_is_refused_not_skipped() -> None:
    odd = [_allow("s3:PutObject", "*", Condition={"DateGreaterThan": {"aws:CurrentTime": "2026-01-01"}})]
    with pytest.raises(UnknownCondition):
        decide(_request(), odd)
