"""A thin HTTP client over chalice.test.Client that speaks JSON and mints local tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalice.test import Client

from app import app
from devstack.local_api import patch_gateway
from devstack.localauth import LocalSigner
from tests.support import contract

patch_gateway()  # unknown paths answer as in `make run` and behind API Gateway (docs/API.md)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw else None

    @property
    def error_code(self) -> str | None:
        body = self.json
        return body["error"]["code"] if isinstance(body, dict) and "error" in body else None


class Api:
    def __init__(self, signer: LocalSigner) -> None:
        self.signer = signer
        self._client = Client(app, stage_name="local")

    def token(self, email: str, **claims: Any) -> str:
        return self.signer.mint(email, **claims)

    def request(
        self,
        method: str,
        path: str,
        *,
        as_user: str | None = None,
        token: str | None = None,
        json_body: Any = None,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if as_user is not None:
            token = self.token(as_user)
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            body = json.dumps(json_body)
        if isinstance(body, str):
            body = body.encode()
        response = self._client.http.request(
            method, path, headers=sent, body=body if body is not None else b""
        )
        contract.check(method, path, response.status_code, response.body)
        return Reply(response.status_code, dict(response.headers), response.body)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json_body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, json_body=json_body, **kwargs)

    def patch(self, path: str, json_body: Any = None, **kwargs: Any) -> Reply:
        return self.request("PATCH", path, json_body=json_body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.request("DELETE", path, **kwargs)
