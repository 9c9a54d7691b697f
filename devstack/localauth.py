"""The local key pair that stands in for Cognito: it signs ID tokens shaped like Cognito's, and writes
the JWKS document the API verifies them against (through the very code path that checks Cognito).

Only local mode points the API at this key set; config.py refuses it in a deployed stage.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://threshold.local/auth"
AUDIENCE = "threshold-local-portal"
KEY_ID = "threshold-local-1"
TOKEN_TTL_SECONDS = 12 * 3600


class LocalSigner:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.key_path = directory / "signing-key.pem"
        self.jwks_path = directory / "jwks.json"
        self._key = self._load_or_create()

    @property
    def jwks_url(self) -> str:
        return self.jwks_path.resolve().as_uri()

    def _load_or_create(self) -> rsa.RSAPrivateKey:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.key_path.exists():
            key = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
        else:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            self.key_path.write_bytes(pem)
            self.key_path.chmod(0o600)
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update(kid=KEY_ID, alg="RS256", use="sig")
        self.jwks_path.write_text(json.dumps({"keys": [jwk]}, indent=2))
        return key

    def mint(
        self, email: str, *, name: str | None = None, ttl: int = TOKEN_TTL_SECONDS, **overrides: Any
    ) -> str:
        """An ID token for `email`, as Cognito would issue after sign-in with a verified email."""
        now = int(time.time())
        email = email.strip().lower()
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "local-" + hashlib.sha256(email.encode()).hexdigest()[:24],
            "email": email,
            "email_verified": True,
            "token_use": "id",
            "cognito:username": email,
            "auth_time": now,
            "iat": now,
            "exp": now + ttl,
        }
        if name:
            claims["name"] = name
        claims.update(overrides)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": KEY_ID})

    # -- API clients (docs/API_CLIENTS.md) ---------------------------------------------------------------

    def mint_client(self, client_id: str, scopes: list[str], *, ttl: int = 3600, **overrides: Any) -> str:
        """An access token for an API client, shaped as Cognito's client-credentials grant issues it:
        `token_use: access`, `client_id` (and `sub`) the client, `scope` its scopes of the `threshold`
        resource server, and no `aud`. Local mode's stand-in for POST /oauth2/token, which the emulator
        lacks."""
        from chalicelib.domain.api_clients import token_scopes

        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "sub": client_id,
            "client_id": client_id,
            "token_use": "access",
            "scope": " ".join(token_scopes(scopes)),
            "auth_time": now,
            "iat": now,
            "exp": now + ttl,
            "version": 2,
            "jti": hashlib.sha256(f"{client_id}{now}{time.perf_counter_ns()}".encode()).hexdigest()[:32],
        }
        claims.update(overrides)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": KEY_ID})
