"""Merging duplicate contacts and property records, and undoing it (docs/INTAKE.md, "Merging"): admins
and coordinators of the org; every merge and undo is an audited org event with its reason.

Both kinds take the same steps in one transaction — mark the duplicate (guarding the survivor), move the
duplicate's lookup keys, record the event — and differ only in what those steps write, which one
description per kind (`_Kind`) says: a contact carries a version and its email and phone keys name their
contact; a property record has no version (its merge state is its condition) and one address key."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from chalicelib import clock, ids
from chalicelib.domain import merges
from chalicelib.domain.access import Caller, require_ops
from chalicelib.domain.contacts import Contact
from chalicelib.domain.entities import Property
from chalicelib.domain.errors import NotFound
from chalicelib.domain.events import EventType
from chalicelib.services.activity import org_event
from chalicelib.store import intake as store
from chalicelib.store import merges as merge_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.intake_commands import MergeIn, UnmergeIn


class _Mergeable(Protocol):
    org_id: str
    merged_into: str | None
    merged_at: datetime | None


@dataclass(frozen=True)
class _Kind[R: _Mergeable]:
    noun: str  # "contact": its id field, its event's words
    merged: EventType
    unmerged: EventType
    id_of: Callable[[R], str]
    find: Callable[[str], R | None]  # None for an id that is not of this kind, or no such record
    # writes the record's merge state (into the survivor, or None to restore it), guarding the survivor
    # on a merge; returns the record as it is now
    mark: Callable[[UnitOfWork, R, R | None, datetime], R]
    # the record's lookup keys, pointing at the first id, now point at the second record
    repoint: Callable[[UnitOfWork, R, str, R], None]
    # what an undo reads of the survivor before it (a contact: that it still exists)
    before_undo: Callable[[R], None] = lambda _: None


def _find_contact(contact_id: str) -> Contact | None:
    return store.get_contact(contact_id) if ids.looks_like("ct", contact_id) else None


def _mark_contact(uow: UnitOfWork, source: Contact, target: Contact | None, now: datetime) -> Contact:
    merged_into, merged_at = (target.contact_id, now) if target else (None, None)
    version = source.version + 1
    after = dataclasses.replace(source, merged_into=merged_into, merged_at=merged_at, version=version)
    store.change_contact(uow, source, after)
    if target is not None:  # the survivor's version guards it against a merge of its own meanwhile
        store.change_contact(uow, target, dataclasses.replace(target, version=target.version + 1))
    return after


def _survivor_exists(source: Contact) -> None:
    assert source.merged_into
    if store.get_contact(source.merged_into) is None:
        raise NotFound("the contact it was merged into is gone")


def _find_property(property_id: str) -> Property | None:
    return store.get_property(property_id) if property_id.startswith("p_") and len(property_id) < 40 else None


def _mark_property(uow: UnitOfWork, source: Property, target: Property | None, now: datetime) -> Property:
    merged_into, merged_at = (target.property_id, now) if target else (None, None)
    merge_store.mark_property(uow, source, merged_into, merged_at)
    if target is not None:
        merge_store.check_property_unmerged(uow, target)
    return dataclasses.replace(source, merged_into=merged_into, merged_at=merged_at)


def _repoint_property(uow: UnitOfWork, source: Property, from_id: str, to: Property) -> None:
    merge_store.repoint_property_key(uow, source, to.property_id, from_id)


CONTACTS = _Kind[Contact](
    "contact",
    EventType.CONTACT_MERGED,
    EventType.CONTACT_UNMERGED,
    lambda c: c.contact_id,
    _find_contact,
    _mark_contact,
    merge_store.repoint_contact_keys,
    _survivor_exists,
)
PROPERTIES = _Kind[Property](
    "property",
    EventType.PROPERTY_MERGED,
    EventType.PROPERTY_UNMERGED,
    lambda p: p.property_id,
    _find_property,
    _mark_property,
    _repoint_property,
)


def merge_contact(caller: Caller, contact_id: str, command: MergeIn) -> Contact:
    return _merge(CONTACTS, caller, contact_id, command)


def unmerge_contact(caller: Caller, contact_id: str, command: UnmergeIn) -> Contact:
    return _unmerge(CONTACTS, caller, contact_id, command)


def merge_property(caller: Caller, property_id: str, command: MergeIn) -> Property:
    return _merge(PROPERTIES, caller, property_id, command)


def unmerge_property(caller: Caller, property_id: str, command: UnmergeIn) -> Property:
    return _unmerge(PROPERTIES, caller, property_id, command)


def _owned[T: _Mergeable](kind: _Kind[T], caller: Caller, record_id: str) -> T:
    """The record, for ops of its org; anyone else is told it does not exist."""
    record = kind.find(record_id)
    if record is None or caller.staff_role(record.org_id) is None:
        raise NotFound(f"{kind.noun} not found")
    require_ops(caller, record.org_id)
    return record


def _merge[T: _Mergeable](kind: _Kind[T], caller: Caller, record_id: str, command: MergeIn) -> T:
    source = _owned(kind, caller, record_id)
    target = kind.find(command.into)
    merges.check_merge(
        kind.id_of(source), source.org_id, source.merged_into, command.into,
        target.org_id if target else None, target.merged_into if target else None,
    )  # fmt: skip
    assert target is not None
    uow = UnitOfWork()
    after = kind.mark(uow, source, target, clock.now())
    kind.repoint(uow, source, kind.id_of(source), target)
    _record(uow, kind, caller, source, kind.merged, {"into": kind.id_of(target), "reason": command.reason})
    uow.commit()
    return after


def _unmerge[T: _Mergeable](kind: _Kind[T], caller: Caller, record_id: str, command: UnmergeIn) -> T:
    source = _owned(kind, caller, record_id)
    now = clock.now()
    merges.check_unmerge(source.merged_into, source.merged_at, now)
    assert source.merged_into
    kind.before_undo(source)
    survivor = source.merged_into
    uow = UnitOfWork()
    after = kind.mark(uow, source, None, now)
    kind.repoint(uow, source, survivor, source)
    _record(uow, kind, caller, source, kind.unmerged, {"from": survivor, "reason": command.reason})
    uow.commit()
    return after


def _record[T: _Mergeable](
    uow: UnitOfWork, kind: _Kind[T], caller: Caller, source: T, event: EventType, data: dict[str, str | None]
) -> None:
    """The org event of a merge or its undo, naming the record first."""
    summary = f"Merged a duplicate {kind.noun}" if event is kind.merged else f"Undid a {kind.noun} merge"
    data = {f"{kind.noun}_id": kind.id_of(source), **data}
    uow.record(org_event(source.org_id, caller.actor, event, summary, data=data))
