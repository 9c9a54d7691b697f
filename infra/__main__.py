"""The CDK CLI's entry point (`cdk.json`: `.venv/bin/python -m infra`): `cdk deploy -c stage=dev`.

The CLI passes the output directory and context through the environment; App() reads them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from aws_cdk import App, Environment

from infra.build import build
from infra.stages import StageConfigError


def main() -> None:
    app = App()
    account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
    env = Environment(account=account, region=region) if account and region else None
    with tempfile.TemporaryDirectory(prefix="threshold-chalice-") as work:
        try:
            build(app, Path(work), env)
        except StageConfigError as refused:
            raise SystemExit(f"cdk.json describes no deployable stage: {refused}") from None
        app.synth()


main()
