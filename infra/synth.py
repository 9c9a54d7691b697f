"""`make synth`: write every stage's CloudFormation template offline, then check them.

No AWS account, no CDK CLI: `App(outdir=...)` writes the cloud assembly, chalice packages the app, cdk-nag
runs as an aspect, and cfn-lint reads the templates. Exit status 1 when any check reports an error.

    python -m infra.synth [--outdir infra/cdk.out] [--stage dev|prod] [--no-lint]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTDIR = ROOT / "infra" / "cdk.out"


@dataclass(frozen=True)
class Finding:
    stack: str
    path: str
    message: str


def synthesize(outdir: Path, stage: str | None = None) -> list[Finding]:
    """Write the assembly to `outdir`; return cdk-nag's unsuppressed errors."""
    from aws_cdk import App
    from aws_cdk.cx_api import SynthesisMessageLevel

    from infra.build import build

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    if stage:
        context["stage"] = stage
    shutil.rmtree(outdir, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="threshold-chalice-") as work:
        app = App(outdir=str(outdir), context=context)
        build(app, Path(work))
        assembly = app.synth()
    return [
        Finding(stack.stack_name, message.id, str(message.entry.data))
        for stack in assembly.stacks
        for message in stack.messages
        if message.level == SynthesisMessageLevel.ERROR
    ]


def templates(outdir: Path) -> list[Path]:
    return sorted(outdir.glob("*.template.json"))


def cfn_lint(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter running cfn-lint on our own files
        [str(Path(sys.executable).parent / "cfn-lint"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", type=Path, default=DEFAULT_OUTDIR)
    parser.add_argument("--stage", choices=["dev", "prod"])
    parser.add_argument("--no-lint", action="store_true", help="skip cfn-lint")
    args = parser.parse_args(argv)
    started = time.monotonic()
    from infra.stages import StageConfigError

    try:
        findings = synthesize(args.outdir, args.stage)
    except StageConfigError as refused:
        print(f"cdk.json describes no deployable stage: {refused}", file=sys.stderr)
        return 2
    written = templates(args.outdir)
    names = ", ".join(p.name for p in written)
    print(f"synthesized {names} in {time.monotonic() - started:.1f}s → {args.outdir}")
    for f in findings:
        print(f"cdk-nag error: {f.stack} {f.path}: {f.message}")
    print(f"cdk-nag AwsSolutions: {len(findings)} unsuppressed error(s)")
    status = 1 if findings else 0
    if not args.no_lint:
        lint = cfn_lint(written)
        print(lint.stdout, end="")
        print(lint.stderr, end="", file=sys.stderr)
        print(f"cfn-lint: {'clean' if lint.returncode == 0 else f'exit {lint.returncode}'}")
        status = status or (1 if lint.returncode else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
