"""Bearer token verification: one code path for Cognito (AWS) and the local key pair (local mode).

Both are ID tokens signed with RS256 and checked against a JWKS document; only the JWKS URL differs:
`https://cognito-idp.../.well-known/jwks.json` in AWS, a `file://` key set written by local mode.
config.py refuses anything but Cognito over https in a deployed stage.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from chalicelib.config import Settings, settings
from chalicelib.domain.errors import Unauthenticated

ALGORITHMS = ["RS256"]
LEEWAY_SECONDS = 30
REFRESH_COOLDOWN_SECONDS = 60


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str
    name: str | None


@dataclass(frozen=True)
class ClientIdentity:
    """An API client (a machine) authenticated with an OAuth 2.0 client-credentials access token."""

    client_id: str
    scope: str  # the token's `scope` claim, as issued ("threshold/deals:read ...")


class KeySet:
    """The signing keys of the issuer, fetched once and refreshed when a token names an unknown key
    (Cognito rotates keys), at most once a minute so a flood of forged kids cannot hammer the issuer."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def key(self, kid: str) -> Any:
        if kid not in self._keys and time.monotonic() - self._fetched_at > REFRESH_COOLDOWN_SECONDS:
            with self._lock:
                self._refresh()
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthenticated("the token was not signed by a trusted key", code="invalid_token") from None

    def _refresh(self) -> None:
        import urllib.request

        import jwt

        request = urllib.request.Request(self._url, headers={"Accept": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - scheme checked in config
            document = json.load(response)
        key_set = jwt.PyJWKSet.from_dict(document)
        self._keys = {k.key_id: k.key for k in key_set.keys if k.key_id}
        self._fetched_at = time.monotonic()


class TokenVerifier:
    def __init__(self, config: Settings) -> None:
        self._issuer = config.token_issuer
        self._audience = config.token_audience
        self._keys = KeySet(config.jwks_url)

    def verify(self, token: str) -> Identity | ClientIdentity:
        import jwt  # with cryptography, loaded by the first authenticated request (docs/BENCHMARKS.md)

        try:
            header = jwt.get_unverified_header(token)
            key = self._keys.key(str(header.get("kid", "")))
            if _is_access_token(jwt.decode(token, options={"verify_signature": False})):
                # Client-credentials access tokens carry no `aud` (Cognito): the client is named by
                # `client_id`, which must be a registered, active API client (services/api_clients.py).
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=ALGORITHMS,
                    issuer=self._issuer,
                    leeway=LEEWAY_SECONDS,
                    options={"require": ["exp", "iat", "iss", "sub", "client_id"], "verify_aud": False},
                )
                return _client_identity(claims)
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired; sign in again", code="token_expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated(
                "the token was issued for another application", code="invalid_audience"
            ) from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated(
                "the token was issued by an untrusted issuer", code="invalid_issuer"
            ) from None
        except jwt.PyJWTError:
            raise Unauthenticated("the token is not valid", code="invalid_token") from None
        return _identity(claims)


def _is_access_token(unverified: dict[str, Any]) -> bool:
    return unverified.get("token_use") == "access"


def _client_identity(claims: dict[str, Any]) -> ClientIdentity:
    client_id = claims.get("client_id")
    if not isinstance(client_id, str) or not client_id or claims.get("sub") != client_id:
        # a client-credentials token's subject is the client itself; a person's access token is not one
        raise Unauthenticated("an API client's access token is required here", code="invalid_token")
    scope = claims.get("scope")
    return ClientIdentity(client_id=client_id, scope=scope if isinstance(scope, str) else "")


def _identity(claims: dict[str, Any]) -> Identity:
    # Cognito access tokens carry no email; only ID tokens identify the person.
    if claims.get("token_use") != "id":
        raise Unauthenticated("an ID token is required", code="invalid_token")
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise Unauthenticated("the token carries no email", code="invalid_token")
    if claims.get("email_verified") not in (True, "true"):
        raise Unauthenticated("the email address is not verified", code="email_not_verified")
    name = claims.get("name")
    return Identity(
        subject=str(claims["sub"]), email=identity_email(email), name=name if isinstance(name, str) else None
    )


def identity_email(email: str) -> str:
    """The user an address names. Only ASCII addresses are accepted: lowercasing is then exact, where
    Unicode case folding is not (U+212A KELVIN SIGN lowercases to an ASCII "k", so a token for
    "\u212aim@x.example" would act as kim@x.example). Request bodies refuse such addresses too
    (domain/commands.py: Email), so no user can be invited under one either."""
    normalized = email.strip()
    if not normalized.isascii() or not normalized.isprintable() or " " in normalized:
        raise Unauthenticated(
            "the token's email address has characters this service does not accept",
            code="unsupported_email",
        )
    return normalized.lower()


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("sign in: this route needs a bearer token", code="missing_token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'", code="missing_token")
    return token.strip()


_verifier: TokenVerifier | None = None


def verifier() -> TokenVerifier:
    global _verifier
    if _verifier is None:
        _verifier = TokenVerifier(settings())
    return _verifier
