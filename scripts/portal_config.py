"""Write the reference portal's `config.json` for a deployed stage (docs/PORTAL.md, docs/DEPLOY.md):

    cdk deploy -c stage=dev --outputs-file cdk-outputs.json
    .venv/bin/python -m scripts.portal_config --stage dev --outputs cdk-outputs.json > config.json

It reads the stage's values from `cdk.json` (`portal_url`, `cognito_domain`) and the stack's outputs (the
API's `EndpointURL`, `UserPoolClientId`, `DocumentsBucket`, `TokenIssuer`, whose host names the region),
and prints the configuration the portal's sign-in needs: the hosted UI's domain, the app client, and the
callback and sign-out addresses the app client allows (infra/identity.py). It refuses a stage without a
`cognito_domain`: without one there is no hosted UI to sign in with.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


class NotConfigured(ValueError):
    """What the stage or its outputs lack for a portal configuration."""


def portal_config(stage: dict[str, Any], outputs: dict[str, str]) -> dict[str, Any]:
    """The deployed portal's config.json, from the stage's cdk.json values and its stack outputs."""
    domain = str(stage.get("cognito_domain") or "")
    if not domain:
        raise NotConfigured(
            "the stage has no cognito_domain: set one in cdk.json and deploy, for the hosted UI"
        )
    endpoint = next((v for k, v in outputs.items() if k.endswith("EndpointURL")), None)
    missing = [k for k in ("UserPoolClientId", "DocumentsBucket", "TokenIssuer") if k not in outputs]
    if endpoint is None:
        missing.insert(0, "EndpointURL")
    if missing or endpoint is None:
        raise NotConfigured(f"the stack outputs lack {', '.join(missing)}")
    region = str(urlsplit(outputs["TokenIssuer"]).hostname).split(".")[1]  # cognito-idp.<region>.…
    portal = str(stage["portal_url"]).rstrip("/")
    return {
        "mode": "cognito",
        "api_url": endpoint.rstrip("/"),
        "storage_url": f"https://{outputs['DocumentsBucket']}.s3.{region}.amazonaws.com",
        "cognito": {
            "domain": f"https://{domain}.auth.{region}.amazoncognito.com",
            "client_id": outputs["UserPoolClientId"],
            "redirect_uri": f"{portal}/auth/callback",
            "logout_uri": f"{portal}/",
        },
    }


def _outputs(path: Path, stack: str) -> dict[str, str]:
    """`cdk deploy --outputs-file`: {stack name: {output: value}}."""
    found: dict[str, dict[str, str]] = json.loads(path.read_text())
    if stack not in found:
        raise NotConfigured(f"{path} has no outputs of {stack}")
    return found[stack]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", required=True, help="dev or prod (cdk.json → threshold:stages)")
    parser.add_argument("--outputs", required=True, type=Path, help="the file of `cdk deploy --outputs-file`")
    args = parser.parse_args(argv)
    stages = json.loads((ROOT / "cdk.json").read_text())["context"]["threshold:stages"]
    try:
        if args.stage not in stages:
            raise NotConfigured(f"cdk.json has no stage {args.stage!r}")
        config = portal_config(stages[args.stage], _outputs(args.outputs, f"threshold-{args.stage}"))
    except NotConfigured as problem:
        print(f"portal_config: {problem}", file=sys.stderr)
        return 2
    print(json.dumps(config, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
