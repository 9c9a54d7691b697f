"""`make token EMAIL=...`: a local-mode bearer token for any email, e.g. someone signing in for the
first time to accept an invitation. Uses the same key pair as the running local stack."""

from __future__ import annotations

import sys

from devstack.environment import LOCAL_DIR
from devstack.localauth import LocalSigner


def main(argv: list[str]) -> int:
    if len(argv) != 1 or "@" not in argv[0]:
        print("usage: python -m devstack.token someone@example.com", file=sys.stderr)
        return 2
    print(LocalSigner(LOCAL_DIR / "auth").mint(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
