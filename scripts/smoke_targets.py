"""Where `make smoke` runs its journey (scripts/smoke.py): `make run`, or a deployed stage.

The two differ in three things only — how a person signs in, where the invitation email is read, and the
addresses used — so each target is these few functions. The AWS sign-in is kept here, apart, so it can
follow the stage's Cognito set-up (docs/DEVELOPING.md, "The smoke test") without touching the journey.
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

INVITATION_LINK = re.compile(r"/invitations/([A-Za-z0-9_-]{43})")
LOCAL_STAFF = "cora.coord@harbormain.example"  # the demo coordinator of Harbor & Main Realty


class Target(Protocol):
    api_url: str

    def staff_token(self) -> str: ...

    def invitee_email(self, stamp: str) -> str: ...

    def invitation_token(self, email: str) -> str | None: ...

    def sign_in(self, email: str) -> str: ...


# -- local mode ----------------------------------------------------------------------------------------


@dataclass
class LocalTarget:
    """`make run`: tokens from the local key pair (as `make token`), mail from the emulator's SES."""

    api_url: str
    emulator_url: str

    def staff_token(self) -> str:
        return self.sign_in(LOCAL_STAFF)

    def invitee_email(self, stamp: str) -> str:
        return f"smoke.{stamp}@client.example"

    def sign_in(self, email: str) -> str:
        from devstack.environment import LOCAL_DIR
        from devstack.localauth import LocalSigner

        return LocalSigner(LOCAL_DIR / "auth").mint(email)

    def invitation_token(self, email: str) -> str | None:
        """The newest invitation link in the emulator's SES outbox (moto's model data) sent to `email`."""
        with urllib.request.urlopen(f"{self.emulator_url}/moto-api/data.json", timeout=30) as reply:  # noqa: S310
            data: dict[str, Any] = json.load(reply)
        for message in reversed(data.get("ses", {}).get("Message", [])):
            if email in message.get("destinations", {}).get("ToAddresses", []):
                found = INVITATION_LINK.search(message.get("body", ""))
                if found:
                    return found.group(1)
        return None


def local_target() -> LocalTarget:
    from devstack.environment import API_HOST, API_PORT, EMULATOR_HOST, EMULATOR_PORT

    return LocalTarget(f"http://{API_HOST}:{API_PORT}", f"http://{EMULATOR_HOST}:{EMULATOR_PORT}")


# -- a deployed stage ----------------------------------------------------------------------------------


@dataclass
class AwsTarget:
    """A deployed stage, from its stack outputs. Staff sign in with SMOKE_STAFF_EMAIL / SMOKE_STAFF_PASSWORD
    (a coordinator's Cognito user); the invitee is SMOKE_INVITEE_EMAIL (a mailbox you read, `{stamp}`
    replaced per run, e.g. ops+smoke-{stamp}@brokerage.example) and gets a password set with the operator's
    credentials (AdminSetUserPassword) once the invitation has created their Cognito user."""

    api_url: str
    user_pool_id: str
    client_id: str
    region: str
    password: str

    def staff_token(self) -> str:
        return self._srp(_required("SMOKE_STAFF_EMAIL"), _required("SMOKE_STAFF_PASSWORD"))

    def invitee_email(self, stamp: str) -> str:
        return _required("SMOKE_INVITEE_EMAIL").replace("{stamp}", stamp)

    def invitation_token(self, email: str) -> str | None:
        """Only the invitee's mailbox holds the link: paste it (the smoke asks once, on a terminal)."""
        if not sys.stdin.isatty():
            return None
        found = INVITATION_LINK.search(input(f"paste the invitation link emailed to {email[:3]}…: "))
        return found.group(1) if found else None

    def sign_in(self, email: str) -> str:
        import boto3

        cognito = boto3.client("cognito-idp", region_name=self.region)
        cognito.admin_set_user_password(
            UserPoolId=self.user_pool_id, Username=email, Password=self.password, Permanent=True
        )
        return self._srp(email, self.password)

    def _srp(self, email: str, password: str) -> str:
        from pycognito import Cognito  # type: ignore[import-untyped]  # SRP: what the app client allows

        user = Cognito(self.user_pool_id, self.client_id, username=email, user_pool_region=self.region)
        user.authenticate(password=password)
        return str(user.id_token)


def aws_target(stack: str, region: str | None) -> AwsTarget:
    import secrets

    import boto3

    session = boto3.session.Session(region_name=region)
    described = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    endpoint = next((v for k, v in outputs.items() if k.endswith("EndpointURL")), None)
    if endpoint is None or "UserPoolId" not in outputs or "UserPoolClientId" not in outputs:
        raise SystemExit(f"{stack}: outputs EndpointURL, UserPoolId and UserPoolClientId are needed")
    return AwsTarget(
        api_url=endpoint,
        user_pool_id=outputs["UserPoolId"],
        client_id=outputs["UserPoolClientId"],
        region=session.region_name,
        password="Sm0ke-" + secrets.token_urlsafe(18),  # a fresh one per run, never printed
    )


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"set {name} (docs/DEVELOPING.md, 'The smoke test')")
    return value
