"""The API of local mode: `chalice local`'s server, with two of its gateway habits brought in line with
the app (never deployed).

1. A path no route matches: Chalice's local gateway answers a 403 "Missing Authentication Token" before
   the app runs, with no CORS header (the browser reports a CORS error) and, when a bearer token was sent,
   a message that echoes the token. Here it is the app's own 404 envelope with CORS headers
   (`chalicelib/api/middleware.py: no_route`). In AWS, API Gateway's gateway response does the same
   (docs/API.md, "Unknown routes").
2. The access log: `BaseHTTPRequestHandler` prints every request line, and some paths carry credentials
   (`/v1/invitations/{token}`, `/v1/unsubscribe/{token}`) or a query. The line printed masks them.

`make run` starts this module (`python -m devstack.local_api --port N`); the test client applies
`patch_gateway()` too, so API tests see what a browser sees.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from typing import Any

from chalice.local import ChaliceRequestHandler, LocalGateway

# Path segments that are credentials: the one after these prefixes is masked in the access log.
SECRET_SEGMENTS = re.compile(r"(/v1/(?:invitations|unsubscribe|calendar)/)[^/?\s]+")  # calendar: issue 16
QUERY = re.compile(r"\?\S*")
_patched = False


def mask_request_line(line: str) -> str:
    """`GET /v1/invitations/abc…/accept?x=1 HTTP/1.1` → `GET /v1/invitations/***/accept?… HTTP/1.1`."""
    return QUERY.sub("?…", SECRET_SEGMENTS.sub(r"\1***", line))


def patch_gateway() -> None:
    """Unknown paths answer the app's 404 envelope with CORS (idempotent)."""
    global _patched
    if _patched:
        return
    _patched = True
    original = LocalGateway.handle_request

    def handle_request(
        self: LocalGateway, method: str, path: str, headers: dict[str, Any], body: bytes | None
    ) -> dict[str, Any]:
        if _matches_a_route(self, path):
            return original(self, method, path, headers, body)
        from chalicelib.api.middleware import no_route

        lowered = {k.lower(): v for k, v in headers.items()}
        status, answer_headers, text = no_route(method, lowered.get("origin"))
        return {"statusCode": status, "headers": answer_headers, "multiValueHeaders": {}, "body": text}

    LocalGateway.handle_request = handle_request  # type: ignore[method-assign]


def _matches_a_route(gateway: LocalGateway, path: str) -> bool:
    try:
        gateway.event_converter._route_matcher.match_route(path)
    except ValueError:
        return False
    return True


class MaskedRequestHandler(ChaliceRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log_message('"%s" %s %s', mask_request_line(self.requestline), str(code), str(size))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    from chalice.cli.factory import CLIFactory
    from chalice.local import LocalDevServer

    from devstack.api_process import prepare
    from devstack.environment import ROOT

    prepare()
    patch_gateway()
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    config = CLIFactory(project_dir=str(ROOT)).create_config_obj(chalice_stage_name="local")
    server = LocalDevServer(
        config.chalice_app, config, args.host, args.port, handler_cls=MaskedRequestHandler
    )
    print(json.dumps({"message": "local API listening", "port": args.port}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: `make run` is stopping us
        pass
    finally:
        server.server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
