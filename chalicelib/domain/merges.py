"""Merging duplicate contacts or property records (docs/INTAKE.md, "Merging"): the rules, no I/O.

A merge marks the duplicate `merged_into` its survivor and moves the duplicate's lookup keys to the
survivor; nothing is deleted, so staff may undo it within 30 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.errors import Conflict, Invalid

UNDO_WINDOW = timedelta(days=30)


def check_merge(
    source_id: str, source_org: str, source_merged: str | None, target_id: str, target_org: str | None,
    target_merged: str | None,
) -> None:  # fmt: skip
    if source_id == target_id:
        raise Invalid("a record cannot be merged into itself", code="same_record")
    if target_org != source_org:
        raise Invalid("merge into a record of the same organization", code="unknown_merge_target")
    if source_merged or target_merged:
        raise Conflict("one of the records is already merged into another", code="already_merged")


def check_unmerge(merged_into: str | None, merged_at: datetime | None, now: datetime) -> None:
    if not merged_into or merged_at is None:
        raise Conflict("this record is not merged", code="not_merged")
    if now - merged_at > UNDO_WINDOW:
        raise Conflict("a merge can be undone within 30 days", code="merge_expired")
