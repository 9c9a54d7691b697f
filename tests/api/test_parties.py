"""Inviting and revoking parties; deactivated users and revoked parties are refused at once."""

from __future__ import annotations

import dataclasses

from chalicelib.domain.roles import UserStatus
from chalicelib.store import users as user_store
from chalicelib.store.models import UserItem

AGENT = "alex.agent@harbormain.example"
CLIENT = "bianca.buyer@mail.example"


def test_a_revoked_party_is_refused_on_the_very_next_request(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    assert api.get(f"/v1/deals/{deal}", as_user=CLIENT).status == 200
    client_id = api.get("/v1/me", as_user=CLIENT).json["id"]

    revoked = api.delete(f"/v1/deals/{deal}/parties/{client_id}", as_user=AGENT)
    assert revoked.status == 200 and revoked.json["status"] == "revoked"

    assert api.get(f"/v1/deals/{deal}", as_user=CLIENT).status == 404
    assert api.get(f"/v1/deals/{deal}/activity", as_user=CLIENT).status == 404
    assert deal not in {d["id"] for d in api.get("/v1/deals", as_user=CLIENT).json["items"]}
    # a second revocation finds nothing to revoke
    assert api.delete(f"/v1/deals/{deal}/parties/{client_id}", as_user=AGENT).status == 404
    # the log says who removed whom
    event = api.get(f"/v1/deals/{deal}/activity", as_user=AGENT).json["items"][0]
    assert event["type"] == "party.revoked" and event["data"]["user_id"] == client_id


def test_a_revoked_party_can_be_invited_back(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    client_id = api.get("/v1/me", as_user=CLIENT).json["id"]
    assert api.delete(f"/v1/deals/{deal}/parties/{client_id}", as_user=AGENT).status == 200
    back = api.post(f"/v1/deals/{deal}/parties", {"email": CLIENT, "role": "client"}, as_user=AGENT)
    assert back.status == 201
    assert back.json["user_id"] == client_id and back.json["status"] == "invited"


def test_inviting_an_existing_party_is_a_conflict(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    reply = api.post(f"/v1/deals/{deal}/parties", {"email": CLIENT, "role": "co_client"}, as_user=AGENT)
    assert reply.status == 409 and reply.error_code == "already_a_party"


def test_nobody_revokes_their_own_access(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    me = api.get("/v1/me", as_user=AGENT).json["id"]
    reply = api.delete(f"/v1/deals/{deal}/parties/{me}", as_user=AGENT)
    assert reply.status == 403 and reply.error_code == "cannot_revoke_self"


def test_a_new_person_signing_in_becomes_a_user(seeded, api):
    first = api.get("/v1/me", as_user="first.timer@example.com")
    assert first.status == 200
    assert first.json["email"] == "first.timer@example.com" and first.json["staff"] == []
    again = api.get("/v1/me", as_user="First.Timer@Example.com")
    assert again.json["id"] == first.json["id"]


def test_an_invited_person_keeps_the_same_identity_when_they_sign_in(seeded, api):
    deal = seeded.deals["park_purchase"].deal_id
    invited = api.post(
        f"/v1/deals/{deal}/parties", {"email": "new.lender@example.com", "role": "lender"}, as_user=AGENT
    ).json
    assert api.get("/v1/me", as_user="new.lender@example.com").json["id"] == invited["user_id"]


def test_a_deactivated_user_is_refused_on_the_very_next_request(seeded, api):
    assert api.get("/v1/me", as_user=CLIENT).status == 200
    user, _ = user_store.load_principal(CLIENT)
    assert user is not None
    deactivated = dataclasses.replace(user, status=UserStatus.DEACTIVATED)
    UserItem.from_entity(deactivated).save()

    for path in ("/v1/me", "/v1/deals", f"/v1/deals/{seeded.deals['park_purchase'].deal_id}"):
        reply = api.get(path, as_user=CLIENT)
        assert reply.status == 403 and reply.error_code == "account_deactivated", path


def test_make_token_signs_in_a_first_time_person(seeded, api, tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    (tmp_path / "auth").mkdir()
    shutil.copy(api.signer.key_path, tmp_path / "auth" / "signing-key.pem")
    env = {**os.environ, "THRESHOLD_LOCAL_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "devstack.token", "brand.new@example.com"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    me = api.get("/v1/me", token=out.stdout.strip())
    assert me.status == 200 and me.json["email"] == "brand.new@example.com" and me.json["staff"] == []
