"""`make token EMAIL=...`: a local-mode bearer token for any email, e.g. someone signing in for the
first time to accept an invitation; `make token CLIENT=<id>`: an API client's access token. Uses the same
key pair as the running local stack."""

from __future__ import annotations

import sys

from devstack.environment import LOCAL_DIR
from devstack.localauth import LocalSigner


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--client" and argv[1].isalnum():
        # every scope: the API grants only those both in the token and held by the client's record,
        # as Cognito issues a client all its allowed scopes when it asks for none (docs/API_CLIENTS.md)
        from chalicelib.domain.api_clients import Scope

        print(LocalSigner(LOCAL_DIR / "auth").mint_client(argv[1], [s.value for s in Scope]))
        return 0
    if len(argv) != 1 or "@" not in argv[0]:
        print("usage: python -m devstack.token someone@example.com | --client <client id>", file=sys.stderr)
        return 2
    print(LocalSigner(LOCAL_DIR / "auth").mint(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
