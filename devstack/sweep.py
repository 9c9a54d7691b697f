"""`make sweep`: run the reminders sweep once, now, against the running local stack (`make run`).

The reminders it sends become activity events; the running stack's outbox trigger turns them into
notifications and prints the emails and SMS in the `make run` console. Queued email and SMS whose time
has come (digests, quiet hours) are sent by this sweep and printed here.
"""

from __future__ import annotations

import os
import sys

from devstack.environment import EMULATOR_HOST, EMULATOR_PORT, LOCAL_DIR, local_environment
from devstack.localauth import LocalSigner


def main() -> int:
    signer = LocalSigner(LOCAL_DIR / "auth")
    os.environ.update(local_environment(signer.jwks_url, endpoint=f"http://{EMULATOR_HOST}:{EMULATOR_PORT}"))
    from devstack.notify import run_sweep

    try:
        result = run_sweep()
    except Exception as exc:  # the usual cause: no `make run` in another terminal
        print(f"the sweep failed ({type(exc).__name__}); is `make run` running?", file=sys.stderr)
        return 1
    print(
        f"reminders sent: {result['reminders']}, escalations: {result['escalations']}, "
        f"stopped: {result['stopped']}, queued email/SMS sent: {result['sent']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
