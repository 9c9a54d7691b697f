"""IAM policy evaluation for one request: identity policies plus the resource's policy, same account.

Why hand-written (docs/DEVELOPING.md, "Permissions proven"): moto's evaluator (moto/iam/access_control.py)
matches actions and resources, but it turns an Allow whose condition fails into a Deny, ignores every
condition operator but StringEquals (so the TLS-only Deny of every bucket, queue and topic would apply to
every request), knows no service principals and no NotResource. No maintained Python library evaluates a
request against policies with conditions (policyuniverse parses and expands, parliament lints). This is
AWS's documented logic, kept to what our templates use, and it refuses what it does not know:
- an explicit Deny in any applicable policy wins; otherwise an Allow in the identity policy or in the
  resource policy (naming the principal) allows — same-account rules. A KMS key policy must allow itself,
  directly or by delegating to the account (`:root`), in which case the identity policy decides;
- Action/NotAction match case-insensitively with `*` and `?`; Resource/NotResource with `*` and `?`;
- conditions: every operator in CONDITION_OPERATORS, `...IfExists`, `ForAnyValue:`/`ForAllValues:`; an
  operator not listed raises UnknownCondition rather than being skipped.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class UnknownCondition(ValueError):
    """A policy uses a condition operator this evaluator does not implement."""


@dataclass(frozen=True)
class Principal:
    arn: str = ""  # an IAM role's ARN
    service: str = ""  # or a service principal: "cloudwatch.amazonaws.com"
    account: str = ""


@dataclass(frozen=True)
class Request:
    principal: Principal
    action: str  # "s3:PutObject"
    resource: str  # an ARN, or "*" where the action has no resource (SMS to a phone number)
    context: Mapping[str, str | Sequence[str]] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, *, case: bool) -> bool:
    regex = fnmatch.translate(pattern)  # `*` and `?`; no character classes appear in IAM patterns
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


def _matches(patterns: Iterable[str], value: str, *, case: bool) -> bool:
    return any(_glob(str(p), value, case=case) for p in patterns)


def _action_applies(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not _matches(_as_list(statement["NotAction"]), action, case=False)
    return _matches(_as_list(statement.get("Action", [])), action, case=False)


def _resource_applies(statement: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not _matches(_as_list(statement["NotResource"]), resource, case=True)
    if "Resource" not in statement:
        return True  # a trust policy
    return _matches(_as_list(statement["Resource"]), resource, case=True)


def principal_applies(statement: Mapping[str, Any], principal: Principal) -> str:
    """'yes', 'no', or 'account' (the statement names the account: IAM policies decide)."""
    named = statement.get("Principal")
    if named is None:
        return "yes"  # an identity policy: it is attached to the principal
    if named == "*" or (isinstance(named, Mapping) and _as_list(named.get("AWS", [])) == ["*"]):
        return "yes"
    if not isinstance(named, Mapping):
        return "no"
    if principal.service and principal.service in _as_list(named.get("Service", [])):
        return "yes"
    for aws in _as_list(named.get("AWS", [])):
        aws = str(aws)
        if principal.arn and aws == principal.arn:
            return "yes"
        if principal.account and aws in (principal.account, f"arn:aws:iam::{principal.account}:root"):
            return "account"
    return "no"


# -- conditions ------------------------------------------------------------------------------------


def _numeric(op: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    return lambda actual, expected: op(float(actual), float(expected))


COMPARE: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda a, e: a == e,
    "StringEqualsIgnoreCase": lambda a, e: a.lower() == e.lower(),
    "StringLike": lambda a, e: _glob(e, a, case=True),
    "ArnEquals": lambda a, e: a == e,
    "ArnLike": lambda a, e: _glob(e, a, case=True),
    "NumericEquals": _numeric(lambda a, e: a == e),
    "NumericLessThan": _numeric(lambda a, e: a < e),
    "NumericLessThanEquals": _numeric(lambda a, e: a <= e),
    "NumericGreaterThan": _numeric(lambda a, e: a > e),
    "NumericGreaterThanEquals": _numeric(lambda a, e: a >= e),
    "Bool": lambda a, e: a.lower() == e.lower(),
}
NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
}
CONDITION_OPERATORS = frozenset(COMPARE) | frozenset(NEGATED) | {"Null"}


def _lookup(context: Mapping[str, Any], key: str) -> list[str] | None:
    for name, value in context.items():
        if name.lower() == key.lower():
            return [str(v).lower() if isinstance(v, bool) else str(v) for v in _as_list(value)]
    return None


def _condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, Any]) -> bool:
    quantifier, _, operator = operator.rpartition(":")
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    if operator not in CONDITION_OPERATORS:
        raise UnknownCondition(operator)
    actual = _lookup(context, key)
    expected_values = [str(v).lower() if isinstance(v, bool) else str(v) for v in _as_list(expected)]
    if operator == "Null":
        return (actual is None) == (expected_values[0].lower() == "true")
    if actual is None:
        # a missing key: IfExists holds; a negated operator holds (nothing equals); the others fail
        return if_exists or operator in NEGATED
    negate = operator in NEGATED
    compare = COMPARE[NEGATED.get(operator, operator)]

    def one(value: str) -> bool:
        hit = any(compare(value, e) for e in expected_values)
        return not hit if negate else hit

    if quantifier == "ForAllValues":
        return all(one(v) for v in actual)
    return any(one(v) for v in actual)  # single-valued keys and ForAnyValue


def conditions_hold(statement: Mapping[str, Any], context: Mapping[str, Any]) -> bool:
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, keys in statement.get("Condition", {}).items()
        for key, expected in keys.items()
    )


# -- decisions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # "allowed by <sid>" / "no statement allows it" / "denied by <sid>"


def _applicable(
    statements: Iterable[Mapping[str, Any]], request: Request
) -> Iterable[tuple[Mapping[str, Any], str]]:
    for s in statements:
        if not _action_applies(s, request.action) or not _resource_applies(s, request.resource):
            continue
        who = principal_applies(s, request.principal)
        if who != "no" and conditions_hold(s, request.context):
            yield s, who


def decide(
    request: Request,
    identity: Sequence[Mapping[str, Any]],
    resource_policy: Sequence[Mapping[str, Any]] = (),
    *,
    key_policy: bool = False,
) -> Decision:
    """Same-account evaluation of `identity` statements (the principal's policies) and `resource_policy`
    statements (the bucket's, queue's, topic's or key's). `key_policy`: KMS rules (the key must agree)."""
    ident = list(_applicable(identity, request))
    res = list(_applicable(resource_policy, request))
    for s, _ in [*ident, *res]:
        if s.get("Effect") == "Deny":
            return Decision(False, f"denied by {s.get('Sid', 'a Deny statement')}")
    ident_allow = next((s for s, _ in ident if s.get("Effect") == "Allow"), None)
    direct = next((s for s, who in res if s.get("Effect") == "Allow" and who == "yes"), None)
    delegated = any(s.get("Effect") == "Allow" and who == "account" for s, who in res)
    if key_policy:
        if direct is not None:
            return Decision(True, f"allowed by the key policy's {direct.get('Sid', 'statement')}")
        if delegated and ident_allow is not None:
            return Decision(True, f"allowed by {ident_allow.get('Sid', 'an identity statement')}")
        return Decision(False, "the key policy does not allow it")
    if ident_allow is not None:
        return Decision(True, f"allowed by {ident_allow.get('Sid', 'an identity statement')}")
    if direct is not None:
        return Decision(True, f"allowed by the resource policy's {direct.get('Sid', 'statement')}")
    return Decision(False, "no statement allows it")
