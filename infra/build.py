"""Build the app: the stacks of the selected stages, with cdk-nag's AwsSolutions pack as an aspect."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, Aspects, Environment
from cdk_nag import AwsSolutionsChecks

from infra.stack import ThresholdStack
from infra.stages import selected


def build(app: App, build_dir: Path, env: Environment | None = None) -> list[ThresholdStack]:
    stage = app.node.try_get_context("stage")
    context = {"threshold:stages": app.node.try_get_context("threshold:stages")}
    stacks = [
        ThresholdStack(app, config, build_dir=build_dir, env=env) for config in selected(context, stage)
    ]
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return stacks
