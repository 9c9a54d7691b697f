"""`make import CSV=deals.csv AS=coordinator@brokerage.example [ORG=o_…] [LOCAL=1]`: import deals from a
spreadsheet (the migration from spreadsheets), through the same service as `POST /v1/deals`.

- against local mode (`--local`: a running `make run`) or a real AWS account (the environment of the
  deployed functions: TABLE_NAME, DOCUMENTS_BUCKET, … — see docs/IMPORT.md);
- a progress bar on stderr, a per-row error report (CSV: row, external_id, code, message);
- idempotent on `external_id`: each deal claims `ORG#{org}#EXTID#{external_id}` in its own transaction, so a
  second run creates nothing new and reports those rows as already imported;
- fast: the importer and the org are read once, and rows are written by a small pool of workers
  (`--workers`, default 4), each row still its own transaction (docs/IMPORT.md).
Not deployed (scripts/ is never packaged).
"""

from __future__ import annotations

import argparse
import contextvars
import csv
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from scripts.deal_rows import RowError, clean, deal_body

ERROR_COLUMNS = ("row", "external_id", "code", "message")
WORKERS = 4  # DynamoDB takes far more; a brokerage's import should not crowd out its own agents


@dataclass
class Summary:
    created: list[str] = field(default_factory=list)  # deal ids
    skipped: list[str] = field(default_factory=list)  # external ids already imported
    failed: list[dict[str, Any]] = field(default_factory=list)


class Progress:
    """A one-line progress bar: [#####.....] 12/40 · created 10 · skipped 1 · failed 1."""

    def __init__(self, total: int, out: TextIO, width: int = 30) -> None:
        self.total, self.out, self.width = total, out, width

    def show(self, done: int, summary: Summary) -> None:
        filled = self.width * done // self.total if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        counts = (
            f"created {len(summary.created)} · skipped {len(summary.skipped)} · failed {len(summary.failed)}"
        )
        self.out.write(f"\r[{bar}] {done}/{self.total} · {counts}")
        if done == self.total:
            self.out.write("\n")
        self.out.flush()


def import_file(
    path: Path,
    *,
    as_email: str,
    org_id: str | None,
    errors_path: Path,
    send_invitations: bool = False,
    progress_out: TextIO = sys.stderr,
    workers: int = WORKERS,
) -> Summary:
    from chalicelib.domain.errors import NotFound
    from chalicelib.services import invitations
    from chalicelib.services.pipeline import ops_org
    from chalicelib.services.principals import caller_for
    from chalicelib.store import orgs as org_store

    caller = caller_for(as_email, None)
    org_key = ops_org(caller, org_id)
    org = org_store.get_org(org_key)  # once for the whole file (every row's plan is dated in its zone)
    if org is None:
        raise NotFound("organization not found")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    summary = Summary()
    progress = Progress(len(rows), progress_out)
    holding = nullcontext() if send_invitations else invitations.emails_held()
    with holding, ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        # each group runs in a copy of this context: "emails held" travels with it
        pending = [
            pool.submit(contextvars.copy_context().run, _import_group, caller, org, group, summary)
            for group in _by_external_id(rows)
        ]
        done = 0
        for future in as_completed(pending):
            done += future.result()  # a bug in a row stops the import loudly, as a sequential loop would
            progress.show(done, summary)
    summary.failed.sort(key=lambda f: int(f["row"]))
    _write_errors(errors_path, summary.failed)
    _record(caller, org_key, path.name, summary)
    return summary


Row = dict[str | None, Any]


def _by_external_id(rows: list[Row]) -> list[list[tuple[int, Row]]]:
    """Rows grouped by external id, in file order within a group: groups run in parallel, and of two rows
    with one id the first in the file is the one imported (as a sequential import would)."""
    groups: dict[str, list[tuple[int, Row]]] = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        external_id = (row.get("external_id") or "").strip()
        groups.setdefault(external_id or f"#row{number}", []).append((number, row))
    return list(groups.values())


def _import_group(caller: Any, org: Any, group: list[tuple[int, Row]], summary: Summary) -> int:
    for number, row in group:
        _import_row(caller, org, number, row, summary)
    return len(group)


def _import_row(caller: Any, org: Any, number: int, row: Row, summary: Summary) -> None:
    from pydantic import ValidationError

    from chalicelib.domain.commands import NewDeal
    from chalicelib.domain.errors import DomainError
    from chalicelib.services import deals as deal_service

    external_id = (row.get("external_id") or "").strip()
    try:
        command = NewDeal.model_validate_json(json.dumps(deal_body(clean(row), org.org_id)))
        ws, _ = deal_service.create_deal(caller, command, org=org)
        summary.created.append(ws.deal.deal_id)
    except RowError as error:
        summary.failed.append(_failure(number, external_id, error.code, error.message))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in error.errors(include_url=False, include_context=False, include_input=False)
        )
        summary.failed.append(_failure(number, external_id, "invalid_fields", problems))
    except DomainError as error:
        if error.code == "external_id_taken":
            summary.skipped.append(external_id)
        else:
            summary.failed.append(_failure(number, external_id, error.code, error.message))


def _failure(number: int, external_id: str, code: str, message: str) -> dict[str, Any]:
    return {"row": number, "external_id": external_id, "code": code, "message": message}


def _write_errors(path: Path, failed: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ERROR_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(failed)


def _record(caller: Any, org: str, file_name: str, summary: Summary) -> None:
    """One `deals.imported` event in the org's log per run that created something."""
    if not summary.created:
        return
    from chalicelib.domain.events import EventType
    from chalicelib.services.activity import org_event
    from chalicelib.store.unit_of_work import UnitOfWork

    uow = UnitOfWork()
    uow.record(
        org_event(
            org,
            caller.actor,
            EventType.DEALS_IMPORTED,
            f"{caller.label} imported {len(summary.created)} deals from {file_name}",
            data={
                "created": len(summary.created),
                "skipped": len(summary.skipped),
                "failed": len(summary.failed),
                "file": file_name,
            },
        )
    )
    uow.commit()


def _local_environment() -> None:
    from devstack.environment import EMULATOR_HOST, EMULATOR_PORT, LOCAL_DIR, local_environment
    from devstack.localauth import LocalSigner

    endpoint = f"http://{EMULATOR_HOST}:{EMULATOR_PORT}"
    os.environ.update(local_environment(LocalSigner(LOCAL_DIR / "auth").jwks_url, endpoint=endpoint))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Import deals from a CSV file (docs/IMPORT.md).")
    parser.add_argument("csv", type=Path)
    parser.add_argument("--as", dest="as_email", required=True, help="the admin or coordinator importing")
    parser.add_argument("--org-id", help="needed only if that person runs several orgs")
    parser.add_argument("--errors", type=Path, help="the per-row error report (default: <csv>.errors.csv)")
    parser.add_argument("--local", action="store_true", help="against a running `make run`")
    parser.add_argument("--send-invitations", action="store_true", help="email the invited parties now")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"rows written at once ({WORKERS})")
    args = parser.parse_args(argv)
    if args.local:
        _local_environment()
    from chalicelib.domain.errors import DomainError

    errors = args.errors or args.csv.with_suffix(".errors.csv")
    try:
        summary = import_file(
            args.csv,
            as_email=args.as_email,
            org_id=args.org_id,
            errors_path=errors,
            send_invitations=args.send_invitations,
            workers=args.workers,
        )
    except DomainError as error:
        print(f"cannot import: {error.message} ({error.code})", file=sys.stderr)
        return 2
    print(
        f"created {len(summary.created)}, already imported {len(summary.skipped)}, "
        f"failed {len(summary.failed)} (report: {errors})"
    )
    return 1 if summary.failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
