"""The reference portal and its local sign-in never reach a deployed stage: the API the stage deploys has no
`/local` route, and the code its functions run holds neither `portal/` nor `devstack/` (where the local
token route lives) — so a deployed stage cannot mint a token however it is asked (docs/PORTAL.md)."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest

from tests.infra.conftest import Synth
from tests.infra.support import one

STAGES = ["dev", "prod"]


@pytest.mark.parametrize("stage", STAGES)
def test_no_deployed_route_or_packaged_file_can_mint_a_local_token(synth: Synth, stage: str) -> None:
    template = synth.template(stage)

    # The API's paths: the app's own, none under /local
    _, api = one(template, "AWS::Serverless::Api")
    paths = list(api["Properties"]["DefinitionBody"]["paths"])
    assert "/v1/deals" in paths
    assert not [p for p in paths if p.startswith("/local")]

    # The code every function runs: the app, without the portal or the local stack
    keys = {
        body["Properties"]["CodeUri"]["Key"]
        for body in template["Resources"].values()
        if body["Type"] == "AWS::Serverless::Function"
    }
    assert keys
    for key in keys:
        names = _names_in(synth, key)
        assert "app.py" in names and any(n.startswith("chalicelib/") for n in names)
        assert not [n for n in names if n.split("/", 1)[0] in {"portal", "devstack", "tests", "scripts"}]
        assert not [n for n in names if n.endswith("localauth.py")]


def _names_in(synth: Synth, key: str) -> list[str]:
    archive: Any = synth.outdir / f"asset.{key}"
    with zipfile.ZipFile(archive) as packaged:
        return packaged.namelist()
