"""`make backfill-open-work [APPLY=1] [LOCAL=1]`: bring items written before 2026-12 into the org-level
indexes the reports and the sweep read (docs/REPORTS.md, "Backfill").

- Tasks and document requests gain their deal's `org_id` and `workflow`, and with them their place in the
  org's open-work index (GSI1: `ORG#{org}#TASKS_DUE`, `ORG#{org}#DOCS_MISSING`). Each update holds only if
  the item still lacks `org_id` and is in the status (and due date) it was read in, so a concurrent write
  is never overwritten: a refused update is read again and retried once.
- Stage exits keyed `{workflow}#{stage}#{left_at}#{deal_id}` are re-keyed `{left_at}#{workflow}#…` (the
  time-in-stage report's date range is its key condition): put under the new key (not-exists), then the
  old one deleted.

Idempotent (a second run finds nothing to do) and resumable: the table is read by a parallel Scan — this
one-off migration is the only Scan in the repository, never a request path or a scheduled job — and the
position of each segment is saved to `--checkpoint` after every page, so a run that stops starts again
where it was. Dry run by default: it counts what it would change and writes nothing.
Not deployed (scripts/ is never packaged).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SEGMENTS = 4
PAGE = 500


@dataclass
class Counts:
    scanned: int = 0
    tagged: int = 0  # tasks and requests given their org and workflow
    rekeyed: int = 0  # stage exits moved to the date-first key
    orphans: int = 0  # items whose deal no longer exists (left as they are)
    retried: int = 0  # changed by someone else meanwhile, read again
    pages: int = 0


def backfill(
    *,
    apply: bool,
    checkpoint: Path | None,
    segments: int = SEGMENTS,
    page_size: int = PAGE,
    max_pages: int | None = None,
) -> Counts:
    """Walk the table once; `max_pages` stops early (what an interrupted run looks like)."""
    from chalicelib.store.models import DocumentRequestItem, StageDwellItem, TaskItem
    from chalicelib.store.table import TableItem, connection

    state: dict[str, Any] = json.loads(checkpoint.read_text()) if checkpoint and checkpoint.exists() else {}
    if state.setdefault("segments", segments) != segments:
        raise ValueError(f"the checkpoint was made with {state['segments']} segments: run with as many")
    counts = Counts()
    kinds = TableItem.kind.is_in(TaskItem, DocumentRequestItem, StageDwellItem)
    for segment in range(segments):
        start = state.get(str(segment))
        while start != "done":
            if max_pages is not None and counts.pages >= max_pages:
                return counts
            page = connection().scan(
                filter_condition=kinds,
                limit=page_size,
                segment=segment,
                total_segments=segments,
                exclusive_start_key=start,
            )
            _migrate([TableItem.from_raw_data(raw) for raw in page.get("Items", [])], apply, counts)
            counts.scanned += int(page.get("ScannedCount", 0))
            counts.pages += 1
            start = page.get("LastEvaluatedKey") or "done"
            if apply and checkpoint is not None:
                state[str(segment)] = start
                checkpoint.write_text(json.dumps(state))
    return counts


def _migrate(items: list[Any], apply: bool, counts: Counts) -> None:
    from chalicelib.store.deals import deals_by_id
    from chalicelib.store.models import DocumentRequestItem, StageDwellItem, TaskItem

    untagged = [i for i in items if isinstance(i, TaskItem | DocumentRequestItem) and not i.org_id]
    deals = deals_by_id({i.deal_id for i in untagged}) if untagged else {}
    for item in untagged:
        deal = deals.get(item.deal_id)
        if deal is None:
            counts.orphans += 1
            continue
        counts.tagged += 1
        if apply:
            _tag(item, deal.org_id, deal.workflow, counts)
    for dwell in items:
        if isinstance(dwell, StageDwellItem) and not dwell.sk[:1].isdigit():
            counts.rekeyed += 1
            if apply:
                _rekey(dwell)


def _tag(item: Any, org_id: str, workflow: str, counts: Counts, retry: bool = True) -> None:
    """Set org and workflow and the index keys they switch on, only if the item is as it was read."""
    from pynamodb.exceptions import DoesNotExist, UpdateError

    cls = type(item)
    item.org_id, item.workflow = org_id, workflow
    item.refresh_keys()
    actions = [cls.org_id.set(org_id), cls.workflow.set(workflow)]
    for name in ("gsi1pk", "gsi1sk"):
        value = getattr(item, name)
        actions.append(getattr(cls, name).set(value) if value else getattr(cls, name).remove())
    same_due = (cls.due_at == item.due_at) if item.due_at else cls.due_at.does_not_exist()
    condition = cls.org_id.does_not_exist() & (cls.status == item.status) & same_due
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError:
        if not retry:
            raise
        counts.retried += 1
        try:
            fresh = cls.get(item.pk, item.sk, consistent_read=True)
        except DoesNotExist:
            return
        if not fresh.org_id:
            _tag(fresh, org_id, workflow, counts, retry=False)


def _rekey(old: Any) -> None:
    from contextlib import suppress

    from pynamodb.exceptions import PutError

    from chalicelib.store.models import StageDwellItem
    from chalicelib.store.table import TableItem

    moved = StageDwellItem.from_raw_data(old.serialize() | {"kind": {"S": "StageDwell"}})
    moved.refresh_keys()
    with suppress(PutError):  # a run that stopped between the put and the delete: it is already there
        moved.save(condition=TableItem.pk.does_not_exist())
    old.delete()


def _local_environment() -> None:
    from devstack.environment import EMULATOR_HOST, EMULATOR_PORT, LOCAL_DIR, local_environment
    from devstack.localauth import LocalSigner

    endpoint = f"http://{EMULATOR_HOST}:{EMULATOR_PORT}"
    os.environ.update(local_environment(LocalSigner(LOCAL_DIR / "auth").jwks_url, endpoint=endpoint))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Backfill the org-level indexes (docs/REPORTS.md).")
    parser.add_argument("--apply", action="store_true", help="write (the default is a dry run)")
    parser.add_argument("--checkpoint", type=Path, default=Path("backfill-open-work.json"))
    parser.add_argument("--segments", type=int, default=SEGMENTS)
    parser.add_argument("--local", action="store_true", help="against a running `make run`")
    args = parser.parse_args(argv)
    if args.local:
        _local_environment()
    counts = backfill(apply=args.apply, checkpoint=args.checkpoint, segments=args.segments)
    print(json.dumps({"dry_run": not args.apply, **asdict(counts)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
