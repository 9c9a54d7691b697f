"""Templates as files (JSON and YAML, validated, no alias bombs) and definitions too large for an item (S3,
with their hash checked on every read)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from chalicelib.domain import workflows
from chalicelib.store import objects, users
from chalicelib.store import templates as template_store
from tests.templates.support import ADMIN, COORDINATOR, NY, clone, open_deal, publish


def _import(api: Any, tid: str, version: int, fmt: str, content: str) -> Any:
    return api.post(
        f"/v1/admin/templates/{tid}/import",
        {"format": fmt, "content": content},
        headers={"If-Match": f'"{version}"'},
        as_user=COORDINATOR,
    )


def test_export_then_import_round_trips_in_json_and_yaml(seeded, api):
    template = clone(api)
    tid = template["template"]["id"]
    for version, fmt in ((1, "json"), (2, "yaml")):
        exported = api.get(f"/v1/admin/templates/{tid}/export?format={fmt}", as_user=COORDINATOR).json
        loaded = json.loads(exported["content"]) if fmt == "json" else yaml.safe_load(exported["content"])
        assert loaded["format"] == "threshold.template/1"
        imported = _import(api, tid, version, fmt, exported["content"])
        assert imported.status == 200, imported.json
        assert imported.json["definition"] == template["definition"]
    # a built-in exports too (read-only: it can be cloned, not imported into)
    builtin = api.get("/v1/admin/templates/lease/export?format=yaml", as_user=COORDINATOR).json
    assert yaml.safe_load(builtin["content"])["workflow"] == "lease"


def test_an_invalid_file_or_an_alias_bomb_is_refused_and_the_draft_stays(seeded, api):
    template = clone(api)
    tid = template["template"]["id"]
    bomb = (
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    )
    refused = _import(api, tid, 1, "yaml", bomb)
    assert refused.status == 422 and refused.error_code == "yaml_aliases_not_allowed"
    assert _import(api, tid, 1, "yaml", "- just\n- a list\n").error_code == "unreadable_file"
    assert _import(api, tid, 1, "json", "{not json").error_code == "unreadable_file"
    broken = {**template["definition"], "stages": []}
    invalid = _import(api, tid, 1, "json", json.dumps(broken))
    assert invalid.status == 422 and invalid.error_code == "invalid_template"
    assert any(p["path"] == "stages" for p in invalid.json["error"]["details"])
    too_big = _import(api, tid, 1, "json", " " * 60_001)
    assert too_big.status == 422 and too_big.error_code == "invalid_fields"
    current = api.get(f"/v1/admin/templates/{tid}", as_user=COORDINATOR).json
    assert current["template"]["draft_version"] == 1 and current["definition"] == template["definition"]


def test_a_definition_too_large_for_an_item_lives_in_s3_and_is_checked(
    seeded, api, monkeypatch, documents_bucket
):
    monkeypatch.setattr(template_store, "INLINE_LIMIT", 1_000)  # any real definition is larger
    template = clone(api)
    tid = template["template"]["id"]
    published = publish(api, tid)
    assert published.status == 201
    stored = template_store.get_version(_org_of(api), tid, 1)
    assert stored is not None and stored.definition is None and stored.definition_key
    assert stored.definition_key.startswith(f"templates/{stored.org_id}/{tid}/")

    # a cold function reads it from S3 and the deal runs it
    workflows.ORG_TEMPLATE_CACHE.clear()
    deal = open_deal(api, NY)
    assert deal["template_id"] == tid

    # an object that no longer matches its hash is never used: 503, not a wrong plan
    objects.client().put_object(Bucket=objects.bucket(), Key=stored.definition_key, Body=b'{"name": "x"}')
    workflows.ORG_TEMPLATE_CACHE.clear()
    reply = api.get(f"/v1/deals/{deal['id']}", as_user=ADMIN)
    assert reply.status == 503 and reply.error_code == "retry_later"


def _org_of(api: Any) -> str:
    _, staff = users.load_principal(COORDINATOR)
    return staff[0].org_id
