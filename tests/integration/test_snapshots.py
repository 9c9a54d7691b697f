"""The demo snapshot copies on write (tests/support/snapshots.py): a restored table holds the snapshot's own
item objects until a test writes one, so what one test writes must never be in the next test's demo."""

from __future__ import annotations

from typing import Any

import boto3

from chalicelib.config import settings
from tests.support.demo import deal_id
from tests.support.snapshots import emulated_table

COORDINATOR = "cora.coord@harbormain.example"


def _table() -> dict[tuple[str, str], Any]:
    return {
        (str(item.hash_key.value), str(item.range_key.value)): item.to_json()
        for partition in emulated_table().items.values()
        for item in partition.values()
    }


def test_what_a_test_writes_is_gone_from_the_next_tests_demo(demo_snapshot, table, api):
    # Given the demo as restored for a test
    demo = demo_snapshot.restore()
    seeded = _table()
    deal = deal_id(demo, "park_purchase")
    version = api.get(f"/v1/deals/{deal}", as_user=COORDINATOR).json["version"]

    # When that test changes demo items in place: a deal's header through the API (a transaction), and
    # any item through a plain UpdateItem
    renamed = api.patch(
        f"/v1/deals/{deal}", {"title": "Renamed"}, as_user=COORDINATOR, headers={"If-Match": f'"{version}"'}
    )
    assert renamed.status == 200, renamed.json
    pk, sk = next(key for key in seeded if key != (f"DEAL#{deal}", "DEAL"))
    boto3.client("dynamodb", region_name=settings().region).update_item(
        TableName=settings().table_name,
        Key={"PK": {"S": pk}, "SK": {"S": sk}},
        UpdateExpression="SET scribble = :s",
        ExpressionAttributeValues={":s": {"S": "written by an earlier test"}},
    )
    changed = _table()
    assert changed[(pk, sk)]["Attributes"]["scribble"] == {"S": "written by an earlier test"}
    assert sum(changed.get(key) != value for key, value in seeded.items()) >= 2

    # Then the next test's demo is the demo as seeded, item for item
    demo_snapshot.restore()
    assert _table() == seeded
    assert api.get(f"/v1/deals/{deal}", as_user=COORDINATOR).json["title"] != "Renamed"
