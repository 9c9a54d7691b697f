"""Invitees' sign-in accounts: the Cognito user an invitation creates, or finds, for the invited email.

The pool is invitation-only (no self sign-up), so nobody could sign in unless an invitation made their user.
`AdminCreateUser` with `email_verified=true` (the invitee proves the mailbox at first sign-in: the temporary
password arrives there) and Cognito's default message action: Cognito mails the temporary password itself,
through the stage's SES identity (the pool's DEVELOPER email configuration, infra/identity.py). The
password never passes through Threshold. docs/DEPLOY.md ("Invitees") gives the invitee's path and why this
one rather than a suppressed message or a code.

Calls: a new invitee costs one request (AdminCreateUser); someone who already has a user costs two
(the refused create, then AdminGetUser); one who never signed in and is invited again three (the temporary
password is mailed again: `MessageAction=RESEND`, which also restarts its 7 days).
"""

from __future__ import annotations

import enum
import functools
from typing import TYPE_CHECKING

from chalicelib.config import settings

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import AttributeTypeTypeDef

FIRST_SIGN_IN_PENDING = "FORCE_CHANGE_PASSWORD"  # created, temporary password not used yet


class Account(enum.Enum):
    CREATED = "created"  # Cognito mailed a temporary password
    MAILED_AGAIN = "mailed_again"  # never signed in: a fresh temporary password was mailed
    EXISTING = "existing"  # signs in with their own password


class NoUserPool(RuntimeError):
    """This environment names no user pool (USER_POOL_ID): invitees could not sign in."""


@functools.cache
def client() -> CognitoIdentityProviderClient:
    import boto3
    from botocore.config import Config

    cognito: CognitoIdentityProviderClient = boto3.client(
        "cognito-idp",
        region_name=settings().region,
        config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2}),
    )
    return cognito


def ensure_invitee(email: str, name: str | None = None) -> Account:
    """The invitee's user exists, with a verified email, and can complete a first sign-in."""
    from botocore.exceptions import ClientError

    pool = settings().user_pool_id
    if not pool:
        raise NoUserPool("USER_POOL_ID is not set")
    attributes: list[AttributeTypeTypeDef] = [
        {"Name": "email", "Value": email},
        {"Name": "email_verified", "Value": "true"},
    ]
    if name:
        attributes.append({"Name": "name", "Value": name[:2048]})
    try:
        client().admin_create_user(
            UserPoolId=pool, Username=email, UserAttributes=attributes, DesiredDeliveryMediums=["EMAIL"]
        )
        return Account.CREATED
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "UsernameExistsException":
            raise
    user = client().admin_get_user(UserPoolId=pool, Username=email)
    if user.get("UserStatus") != FIRST_SIGN_IN_PENDING:
        return Account.EXISTING
    client().admin_create_user(
        UserPoolId=pool, Username=email, MessageAction="RESEND", DesiredDeliveryMediums=["EMAIL"]
    )
    return Account.MAILED_AGAIN
