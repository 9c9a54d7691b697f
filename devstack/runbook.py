"""`make runbook NAME=runbook_… EVENT=file.json`: run a runbook against local mode (a running `make run`),
through the very handler deployed to Lambda. Dry run unless the event says `"dry_run": false`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from devstack.environment import EMULATOR_HOST, EMULATOR_PORT, LOCAL_DIR, local_environment
from devstack.localauth import LocalSigner


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m devstack.runbook runbook_<name> event.json", file=sys.stderr)
        return 2
    name, event_path = argv
    endpoint = f"http://{EMULATOR_HOST}:{EMULATOR_PORT}"
    os.environ.update(local_environment(LocalSigner(LOCAL_DIR / "auth").jwks_url, endpoint=endpoint))

    from chalicelib.runbooks.framework import RunbookInputError
    from chalicelib.runbooks.handlers import HANDLERS

    if name not in HANDLERS:
        print(f"unknown runbook {name!r}; one of: {', '.join(sorted(HANDLERS))}", file=sys.stderr)
        return 2
    event = json.loads(Path(event_path).read_text())
    try:
        HANDLERS[name](event, None)
    except RunbookInputError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
