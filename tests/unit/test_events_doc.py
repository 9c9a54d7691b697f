"""docs/EVENTS.md is generated from the event catalog: it must say what the code does."""

from __future__ import annotations

from chalicelib.domain.events import CATALOG
from scripts.events_doc import PATH, render


def test_events_md_matches_the_catalog():
    assert PATH.read_text() == render(), (
        "docs/EVENTS.md is stale: run `.venv/bin/python -m scripts.events_doc`"
    )


def test_every_event_type_and_its_data_keys_are_documented():
    text = PATH.read_text()
    for kind, spec in CATALOG.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{kind.value}` |"))
        for key in spec.data:
            assert f"`{key}`" in row, (kind, key)
