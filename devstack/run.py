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
    DEMO,
    EMULATOR_HOST,
    EMULATOR_PORT,
    LOCAL_DIR,
    PORTAL_HOST,
    PORTAL_ORIGIN,
    PORTAL_OWN_ORIGINS,
    PORTAL_PORT,
    ROOT,
    local_environment,
)
from devstack.localauth import LocalSigner
from devstack.portal import PortalServer, demo_people

if TYPE_CHECKING:
    from devstack.triggers import TriggerRunner


# Ctrl-C (or SIGTERM) stops everything within this, even under load: what is still running after it
# goes with the process.
STOP_SECONDS = 8
SUPERVISE_SECONDS = 0.5


def main() -> int:
    signal.signal(signal.SIGINT, _raise_interrupt)  # even when started in the background (SIGINT ignored)
    signal.signal(signal.SIGTERM, _raise_interrupt)
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
    code = 0
    portal: PortalServer | None = None
    try:
        created = _create_resources()
        demo = _seed(signer) if DEMO else _no_demo()
        esign_demo = _start_esign(demo) if DEMO else []  # e-signature (docs/ESIGN.md)
        api = _start_api()
        runner = _start_triggers()
        portal = _start_portal(signer, demo, emulator.endpoint)
        _banner(created, demo, [t.name for t in runner.triggers], esign_demo)
        code = _supervise(api, emulator)
    except KeyboardInterrupt:
        print("\nstopping Threshold local mode…", flush=True)
    _stop(portal, runner, api, emulator)
    return code


def _supervise(api: subprocess.Popen[bytes], emulator: Emulator) -> int:
    """Run until Ctrl-C; if the API or the emulator dies, stop the whole stack and say why."""
    while True:
        if api.poll() is not None:
            print(f"the API (`chalice local`) stopped (exit {api.returncode}): stopping", file=sys.stderr)
            return api.returncode or 1
        if not emulator.alive():
            print("the AWS emulator stopped: stopping", file=sys.stderr)
            return 1
        time.sleep(SUPERVISE_SECONDS)


def _stop(
    portal: PortalServer | None,
    runner: TriggerRunner | None,
    api: subprocess.Popen[bytes] | None,
    emulator: Emulator,
) -> None:
    """Everything stops within STOP_SECONDS. Then the process leaves without tearing down the emulator's
    objects one by one (seconds of garbage collection that nobody needs: state is in memory anyway)."""
    deadline = time.monotonic() + STOP_SECONDS
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
    if portal is not None:
        portal.stop()
    if api is not None and api.poll() is None:
        api.terminate()
    if runner is not None:
        runner.stop(timeout=max(0.0, deadline - time.monotonic() - 3))
    if api is not None:
        try:
            api.wait(timeout=max(0.1, deadline - time.monotonic() - 2))
        except subprocess.TimeoutExpired:
            api.kill()
            api.wait(timeout=1)
    emulator.stop(timeout=max(0.1, deadline - time.monotonic()))
    sys.stdout.flush()
    sys.stderr.flush()


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _create_resources() -> list[str]:
    # imported here: chalicelib reads its settings from the environment set above
    from devstack import resources

    return resources.create_account(os.environ["AWS_REGION"])


def _seed(signer: LocalSigner) -> dict[str, object]:
    from devstack.demo_documents import accept_with_file, upload_demo_documents
    from devstack.seed import seed_demo

    demo = seed_demo(with_files=accept_with_file)
    upload_demo_documents(demo)
    from devstack.demo_accounts import seed_demo_accounts  # accounts (issue 13)

    accounts = seed_demo_accounts(demo)
    from devstack.demo_templates import seed_templates  # org-owned templates (docs/TEMPLATES.md)

    seed_templates(demo)
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
        "api_clients": demo.api_clients,  # issue 16: `make token CLIENT=<id>`
        "accounts": accounts,  # accounts (issue 13)
    }
    _write(LOCAL_DIR / "demo.json", summary)
    return summary


def _no_demo() -> dict[str, object]:
    """`make run DEMO=0`: the same files, empty — no demo people to sign in as, no deals."""
    _write(LOCAL_DIR / "demo-tokens.json", {})
    summary: dict[str, object] = {"orgs": {}, "staff": {}, "deals": {}, "api_clients": {}, "accounts": {}}
    _write(LOCAL_DIR / "demo.json", summary)
    return summary


# -- e-signature (docs/ESIGN.md) --------------------------------------------------------------------


def _start_esign(demo: dict[str, object]) -> list[str]:
    """A local DocuSign for every demo org, and the demo envelope; the banner lines that say how to finish
    it. The seed's own data is untouched (the test suite's snapshot of it too)."""
    from devstack import esign

    orgs: dict[str, str] = demo["orgs"]  # type: ignore[assignment]
    deals: dict[str, dict[str, str]] = demo["deals"]  # type: ignore[assignment]
    fake = esign.start_local_docusign(orgs, f"http://{API_HOST}:{API_PORT}")
    try:
        envelope_id = esign.send_demo_envelope(deals[esign.DEMO_DEAL]["id"])
    except Exception as exc:  # a demo nicety: never stop `make run` for it
        print(f"e-signature demo: no envelope sent ({type(exc).__name__})", file=sys.stderr)
        envelope_id = None
    lines = [f"  E-sign     local DocuSign on {fake.base_uri} (docs/ESIGN.md)"]
    if envelope_id:
        finish = f"curl -X POST {fake.base_uri}/_fake/envelopes/{envelope_id}/completed"
        lines.append(f"             sign the demo addendum (Reyes purchase): {finish}")
    return lines


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
    portal = PortalServer(PORTAL_HOST, PORTAL_PORT, signer=signer, config=config, origins=PORTAL_OWN_ORIGINS)
    portal.start()
    return portal


def _start_api() -> subprocess.Popen[bytes]:
    # `chalice local`'s server, with unknown routes and the access log brought in line, which exits by
    # itself if this process dies unexpectedly (devstack/local_api.py, devstack/api_process.py)
    command = [sys.executable, "-m", "devstack.local_api", "--host", API_HOST, "--port", str(API_PORT)]
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


def _banner(created: list[str], demo: dict[str, object], triggers: list[str], esign: list[str]) -> None:
    base = f"http://{API_HOST}:{API_PORT}"
    emulator = f"http://{EMULATOR_HOST}:{EMULATOR_PORT}"
    users = len(json.loads((LOCAL_DIR / "demo-tokens.json").read_text()))
    tokens = _shown(LOCAL_DIR / "demo-tokens.json")
    client = "bianca.buyer@mail.example"
    roles = _shown(LOCAL_DIR / "demo.json")
    read_token = f'python3 -c \'import json;print(json.load(open("{tokens}"))["{client}"])\''
    lines = [
        "",
        "Threshold local mode is up.",
        f"  Portal     {PORTAL_ORIGIN}   (sign in as any demo person; docs/PORTAL.md)",
        f"  API        {base}/v1/health   (OpenAPI: {base}/v1/openapi.json)",
        f"  Emulator   {emulator}  (moto: DynamoDB, S3, SQS, SES, SNS, EventBridge)",
        *[f"             {line}" for line in created],
        f"  Triggers   {', '.join(triggers) or 'none'} (emulated: the same handlers Lambda runs)",
        *(
            [
                f"  Tokens     {tokens}  ({users} demo users; deals and roles in {roles})",
                "  Try        TOKEN=$(" + read_token + ")",
                f'             curl -s -H "Authorization: Bearer $TOKEN" {base}/v1/deals',
            ]
            if DEMO
            else ["  Demo data  none (DEMO=0): the table is empty"]
        ),
        "  New user   make token EMAIL=someone@example.com",
        "  API client make token CLIENT=<id>  (the demo CRM: api_clients in demo.json; docs/API_CLIENTS.md)",
        *esign,
        "Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


if __name__ == "__main__":
    exit_code = main()
    os._exit(exit_code)  # see _stop: nothing is left to clean up
