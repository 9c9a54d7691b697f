"""A WSGI face on the Chalice app (the same local gateway as chalice.test.Client), and a loopback server for
it in a thread of the test process: schemathesis calls it over HTTP while moto stays in-process."""

from __future__ import annotations

import json
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, make_server

from chalice import Chalice
from chalice.test import Client


class ChaliceWSGI:
    def __init__(self, app: Chalice, stage: str = "local") -> None:
        self._client = Client(app, stage_name=stage)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = quote(environ.get("PATH_INFO") or "/", safe="/%:@!$&'()*+,;=-._~")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            response = self._client.http.request(environ["REQUEST_METHOD"], path, headers=headers, body=body)
        except Exception as exc:  # the local gateway failed: say so, not wsgiref's bare text/plain 500
            traceback.print_exc(file=sys.stderr)
            return self._harness_error(start_response, environ["REQUEST_METHOD"], path, exc)
        status = HTTPStatus(response.status_code)
        payload = response.body if isinstance(response.body, bytes) else str(response.body or "").encode()
        start_response(
            f"{status.value} {status.phrase}",
            [(name, str(value)) for name, value in response.headers.items()],
        )
        return [payload]

    @staticmethod
    def _harness_error(
        start_response: Callable[..., Any], method: str, path: str, exc: Exception
    ) -> list[bytes]:
        """A 500 in the app's envelope naming the exception, so the check that fails on it (a server error)
        shows what broke."""
        message = f"the test gateway raised {type(exc).__name__} on {method} {path}: {exc}"
        start_response("500 Internal Server Error", [("Content-Type", "application/json")])
        return [json.dumps({"error": {"code": "test_gateway_error", "message": message}}).encode()]


class _Handler(WSGIRequestHandler):
    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        if self.headers.get("content-type") is None:
            environ.pop("CONTENT_TYPE", None)  # wsgiref says text/plain; the client sent none
        return environ

    def log_message(self, format: str, *args: Any) -> None:  # the app logs each request itself
        pass


@contextmanager
def serving(app: Chalice) -> Iterator[str]:
    """The app on an ephemeral loopback port, in a thread of this process (so moto's in-process mock still
    answers its AWS calls); yields the base URL."""
    server = make_server("127.0.0.1", 0, ChaliceWSGI(app), handler_class=_Handler)
    thread = threading.Thread(target=server.serve_forever, name="wsgi-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
