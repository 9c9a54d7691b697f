"""Every module a request or an event handler imports on first use loads when it is the first of the app's
modules to load, as in a cold function. (In the test process some other module has always loaded the shared
ones already, which hid an import cycle between domain/commands.py and the feature command modules: a cold
`POST /v1/orgs/{slug}/intake` answered 500.)"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import chalicelib

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "services", "store", "events", "runbooks", "integrations")

PROBE = """
import importlib, json, sys
failed = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m == "chalicelib" or m.startswith("chalicelib.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failed))
"""


def _modules() -> list[str]:
    found = []
    for package in PACKAGES:
        path = Path(chalicelib.__file__).parent / package
        if path.is_dir():
            found += [
                f"chalicelib.{package}.{m.name}"
                for m in pkgutil.walk_packages([str(path)])
                if not m.ispkg and not m.name.startswith("templates")
            ]
    return sorted(found)


def test_each_lazily_loaded_module_imports_first_in_a_fresh_process():
    modules = _modules()
    assert len(modules) > 100  # the walk found the app's modules
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules)],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {}
