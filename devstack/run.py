"""`make run`: the whole product on one laptop.

1. the AWS emulator (moto server) on 127.0.0.1:4566, with every resource created;
2. demo data, and a bearer token for every demo user in .local/demo-tokens.json;
3. the API (`chalice local`) on 127.0.0.1:8000, against the emulator;
4. the reference portal on http://localhost:3000 (devstack/portal.py: static files, local sign-in);
5. a banner; Ctrl-C stops everything, and the next `make run` starts from scratch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from devstack.emulator import Emulator, PortBusy, ensure_free
from devstack.environment import (
    API_HOST,
    API_PORT,
    EMULATOR_HOST,
    EMULATOR_PORT,
    LOCAL_DIR,
    PORTAL_HOST,
    PORTAL_ORIGIN,
    PORTAL_ORIGINS,
    PORTAL_PORT,
    ROOT,
    local_environment,
)
from devstack.localauth import LocalSigner
from devstack.portal import PortalServer, demo_people

if TYPE_CHECKING:
    from devstack.triggers import TriggerRunner


STOP_GRACE_SECONDS = 20


def main() -> int:
    signer = LocalSigner(LOCAL_DIR / "auth")
    emulator = Emulator(EMULATOR_HOST, EMULATOR_PORT)
    os.environ.update(local_environment(signer.jwks_url, endpoint=emulator.endpoint))
    try:
        ensure_free(API_HOST, API_PORT, "API")
        ensure_free(PORTAL_HOST, PORTAL_PORT, "portal")
        emulator.start()
    except PortBusy as busy:
        print(f"cannot start: {busy}", file=sys.stderr)
        return 1
    api: subprocess.Popen[bytes] | None = None
    runner = None
    portal: PortalServer | None = None
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        created = _create_resources()
        demo = _seed(signer)
        api = _start_api()
        runner = _start_triggers()
        portal = _start_portal(signer, demo, emulator.endpoint)
        _banner(created, demo, [t.name for t in runner.triggers])
        while api.poll() is None:
            time.sleep(0.5)
        print(f"the API stopped (exit {api.returncode})", file=sys.stderr)
        return api.returncode or 1
    except KeyboardInterrupt:
        print("\nstopping Threshold local mode…")
        return 0
    finally:
        # Stopping must never hang on a trigger or an emulator request in flight: whatever is still
        # running after the grace period goes with the process (its sockets close with it).
        watchdog = threading.Timer(STOP_GRACE_SECONDS, os._exit, args=(0,))
        watchdog.daemon = True
        watchdog.start()
        if portal is not None:
            portal.stop()
        if runner is not None:
            runner.stop()
        if api is not None and api.poll() is None:
            api.terminate()
            try:
                api.wait(timeout=10)
            except subprocess.TimeoutExpired:
                api.kill()
        emulator.stop()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _create_resources() -> list[str]:
    # imported here: chalicelib reads its settings from the environment set above
    from chalicelib.config import settings
    from devstack import resources

    return resources.create_all(settings())


def _seed(signer: LocalSigner) -> dict[str, object]:
    from devstack.demo_documents import upload_demo_documents
    from devstack.seed import seed_demo

    demo = seed_demo()
    upload_demo_documents(demo)
    tokens = {email: signer.mint(email) for email in demo.emails}
    _write(LOCAL_DIR / "demo-tokens.json", tokens)
    summary: dict[str, object] = {
        "orgs": demo.orgs,
        "staff": {email: {"org": org, "role": role.value} for email, (org, role) in demo.staff.items()},
        "deals": {
            key: {
                "id": d.deal_id,
                "org": d.org,
                "workflow": d.workflow,
                "stage": d.stage,
                "parties": d.parties,
            }
            for key, d in demo.deals.items()
        },
    }
    _write(LOCAL_DIR / "demo.json", summary)
    return summary


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    path.chmod(0o600)


def _start_triggers() -> TriggerRunner:
    from devstack.triggers import TRIGGERS, TriggerRunner

    runner = TriggerRunner([make() for make in TRIGGERS])
    runner.start()
    return runner


def _start_portal(signer: LocalSigner, demo: dict[str, object], storage_url: str) -> PortalServer:
    config = {
        "mode": "local",
        "api_url": f"http://{API_HOST}:{API_PORT}",
        "storage_url": storage_url,
        "demo_people": demo_people(demo),
    }
    portal = PortalServer(PORTAL_HOST, PORTAL_PORT, signer=signer, config=config, origins=PORTAL_ORIGINS)
    portal.start()
    return portal


def _start_api() -> subprocess.Popen[bytes]:
    chalice = Path(sys.executable).parent / "chalice"
    command = [
        str(chalice),
        "local",
        "--stage",
        "local",
        "--host",
        API_HOST,
        "--port",
        str(API_PORT),
        "--no-autoreload",
    ]
    api = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if api.poll() is not None:
            raise SystemExit(f"`chalice local` exited early ({api.returncode})")
        try:
            with urllib.request.urlopen(f"http://{API_HOST}:{API_PORT}/v1/health", timeout=2) as reply:
                if reply.status == 200:
                    return api
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    api.terminate()
    raise SystemExit("the API did not answer /v1/health within 60 s")


def _banner(created: list[str], demo: dict[str, object], triggers: list[str]) -> None:
    base = f"http://{API_HOST}:{API_PORT}"
    emulator = f"http://{EMULATOR_HOST}:{EMULATOR_PORT}"
    users = len(json.loads((LOCAL_DIR / "demo-tokens.json").read_text()))
    tokens = _shown(LOCAL_DIR / "demo-tokens.json")
    client = "bianca.buyer@mail.example"
    read_token = f'python3 -c \'import json;print(json.load(open("{tokens}"))["{client}"])\''
    lines = [
        "",
        "Threshold local mode is up.",
        f"  Portal     {PORTAL_ORIGIN}   (sign in as any demo person; docs/PORTAL.md)",
        f"  API        {base}/v1/health   (OpenAPI: {base}/v1/openapi.json)",
        f"  Emulator   {emulator}  (moto: DynamoDB, S3, SQS, SES, SNS, EventBridge)",
        *[f"             {line}" for line in created],
        f"  Triggers   {', '.join(triggers) or 'none'} (emulated: the same handlers Lambda runs)",
        f"  Tokens     {tokens}  ({users} demo users; deals and roles in {_shown(LOCAL_DIR / 'demo.json')})",
        "  Try        TOKEN=$(" + read_token + ")",
        f'             curl -s -H "Authorization: Bearer $TOKEN" {base}/v1/deals',
        "  New user   make token EMAIL=someone@example.com",
        "Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


if __name__ == "__main__":
    raise SystemExit(main())
