"""A first-time invitee, end to end on the emulator: invited → their Cognito user exists with a verified
email → they sign in with the temporary password Cognito mailed, choose their own → accept with the ID
token the pool issued (verified by the app's own token check) → see the deal (docs/DEPLOY.md, Invitees)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from moto.utilities.utils import load_resource

from chalicelib import auth
from chalicelib.config import settings
from chalicelib.store import accounts
from tests.conftest import USER_POOL
from tests.support.mailbox import Mailbox

AGENT = "alex.agent@harbormain.example"
INVITEE = "first.timer@example.com"
TEMPORARY = "Temp-Passw0rd!x"  # what Cognito's mail would carry (the emulator mails nothing)
CHOSEN = "Chosen-Passw0rd!y"


class CognitoCalls:
    """Counts the Cognito requests of the invitations adapter (a botocore hook, as devstack/metering.py)."""

    def __init__(self) -> None:
        self.operations: Counter[str] = Counter()

    def __enter__(self) -> CognitoCalls:
        accounts.client().meta.events.register("before-call.cognito-identity-provider", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        accounts.client().meta.events.unregister("before-call.cognito-identity-provider", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.operations[model.name] += 1


@contextlib.contextmanager
def trusting_the_pool(tmp_path: Path) -> Iterator[None]:
    """The API trusts the emulator's user pool, as a deployed stage trusts its own: same verifier, the
    pool's issuer and client, and the pool's public signing keys (the emulator's, from a file). The
    agent's requests, made before, carry local-mode tokens."""
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(load_resource("cognitoidp/resources/jwks-public.json")))
    saved = auth._verifier
    trusted = dataclasses.replace(
        settings(),
        token_issuer=USER_POOL.issuer,
        token_audience=USER_POOL.client_id,
        jwks_url=jwks.as_uri(),
    )
    auth._verifier = auth.TokenVerifier(trusted)
    try:
        yield
    finally:
        auth._verifier = saved


def _first_sign_in(email: str) -> str:
    """The portal's first sign-in: the temporary password, then NEW_PASSWORD_REQUIRED with the invitee's
    own; returns the ID token."""
    cognito = accounts.client()
    started = cognito.initiate_auth(
        ClientId=USER_POOL.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": TEMPORARY},
    )
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = cognito.respond_to_auth_challenge(
        ClientId=USER_POOL.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": CHOSEN},
    )
    return str(done["AuthenticationResult"]["IdToken"])


def test_a_first_time_invitee_signs_in_accepts_and_sees_the_deal(seeded, api, ddb_calls, tmp_path):
    deal = seeded.deals["park_purchase"].deal_id
    mailbox = Mailbox()

    # Given an agent invites someone who has never used Threshold
    with CognitoCalls() as cognito:
        ddb_calls.reset()
        reply = api.post(f"/v1/deals/{deal}/parties", {"email": INVITEE, "role": "lender"}, as_user=AGENT)
    assert reply.status == 201, reply.json
    # Then the invitation cost one Cognito request besides its DynamoDB budget (docs/DEPLOY.md)
    assert cognito.operations == Counter({"AdminCreateUser": 1})
    assert ddb_calls.by_operation()["TransactWriteItems"] == 1

    # And their Cognito user exists, its email verified, waiting for a first sign-in
    user = accounts.client().admin_get_user(UserPoolId=USER_POOL.pool_id, Username=INVITEE)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == INVITEE and attributes["email_verified"] == "true"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"

    # When they follow the invitation link, sign in with the temporary password and choose their own
    accounts.client().admin_set_user_password(  # the mail Cognito sends: the emulator sends none
        UserPoolId=USER_POOL.pool_id, Username=INVITEE, Password=TEMPORARY, Permanent=False
    )
    id_token = _first_sign_in(INVITEE)
    token = mailbox.invitation_token(INVITEE)
    with trusting_the_pool(tmp_path):
        accepted = api.post(f"/v1/invitations/{token}/accept", token=id_token)
        workspace = api.get(f"/v1/deals/{deal}", token=id_token)

    # Then the invitation is accepted and the deal is theirs to see
    assert accepted.status == 200, accepted.json
    assert workspace.status == 200
    me = next(p for p in workspace.json["parties"] if p.get("email") == INVITEE)
    assert me["role"] == "lender"
    assert (
        accounts.client().admin_get_user(UserPoolId=USER_POOL.pool_id, Username=INVITEE)["UserStatus"]
        == "CONFIRMED"
    )


def test_inviting_someone_who_already_signs_in_mails_them_no_new_password(seeded, api):
    # Given a person who has a Cognito user and has chosen their password
    deal = seeded.deals["park_purchase"].deal_id
    email = "returning.lender@example.com"
    accounts.ensure_invitee(email)
    accounts.client().admin_set_user_password(
        UserPoolId=USER_POOL.pool_id, Username=email, Password=CHOSEN, Permanent=True
    )

    # When they are invited to a deal
    with CognitoCalls() as cognito:
        reply = api.post(f"/v1/deals/{deal}/parties", {"email": email, "role": "lender"}, as_user=AGENT)

    # Then their user is found, not re-created, and no temporary password is mailed again
    assert reply.status == 201, reply.json
    assert cognito.operations == Counter({"AdminCreateUser": 1, "AdminGetUser": 1})
    user = accounts.client().admin_get_user(UserPoolId=USER_POOL.pool_id, Username=email)
    assert user["UserStatus"] == "CONFIRMED"


def test_an_invitee_who_never_signed_in_gets_a_fresh_temporary_password_on_resend(seeded, api):
    # Given an invitee whose user waits for a first sign-in
    deal = seeded.deals["park_purchase"].deal_id
    email = "slow.reader@example.com"
    assert accounts.ensure_invitee(email) is accounts.Account.CREATED

    # When they are invited again
    with CognitoCalls() as cognito:
        reply = api.post(f"/v1/deals/{deal}/parties", {"email": email, "role": "lender"}, as_user=AGENT)

    # Then Cognito is asked to mail the temporary password again (which restarts its 7 days)
    assert reply.status == 201, reply.json
    assert cognito.operations == Counter({"AdminCreateUser": 2, "AdminGetUser": 1})
