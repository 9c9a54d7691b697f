"""The item classes of features load on first use (store/models.py: LAZY_ITEM_MODULES), yet any item read
through the base class still comes back as its own class, in a cold process as in a warm one."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import chalicelib.store
from chalicelib.store.models import ITEM_CLASSES, LAZY_ITEM_MODULES
from chalicelib.store.table import TableItem

ROOT = Path(__file__).resolve().parents[2]


def _every_item_class() -> list[type[TableItem]]:
    for module in pkgutil.iter_modules(chalicelib.store.__path__):
        importlib.import_module(f"chalicelib.store.{module.name}")
    kind = TableItem._get_discriminator_attribute()
    assert kind is not None
    found = kind.get_registered_subclasses(TableItem)
    return [cls for cls in found if cls.__module__.startswith("chalicelib.")]


def test_every_kind_loads_with_the_api_or_is_declared_with_its_module():
    kind = TableItem._get_discriminator_attribute()
    assert kind is not None
    lazy = {
        str(kind.get_discriminator(c)): c.__module__ for c in _every_item_class() if c not in ITEM_CLASSES
    }
    assert len(lazy) > 20  # the walk found the features' item classes
    assert lazy == LAZY_ITEM_MODULES


PROBE = """
import json, sys
import app
from chalicelib.store.table import TableItem

before = "chalicelib.store.webhook_models" in sys.modules
item = TableItem.from_raw_data(
    {"PK": {"S": "ORG#o1#WEBHOOKS"}, "SK": {"S": "WEBHOOK#w1"}, "kind": {"S": "Webhook"}, "url": {"S": "https://x"}}
)
print(json.dumps([before, type(item).__name__, item.url]))
"""


def test_a_cold_process_reads_an_item_of_a_feature_not_loaded_yet_as_its_class():
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, "WebhookItem", "https://x"]


def test_an_unknown_kind_is_still_refused():
    with pytest.raises(ValueError, match="Unknown discriminator value"):
        TableItem.from_raw_data({"PK": {"S": "a"}, "SK": {"S": "b"}, "kind": {"S": "NoSuchKind"}})
