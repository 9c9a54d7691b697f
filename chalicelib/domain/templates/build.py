"""Short constructors so a template reads like the checklist a coordinator would write."""

from __future__ import annotations

from chalicelib.domain.esign import SignerRule
from chalicelib.domain.roles import Visibility
from chalicelib.domain.workflows import STAGE_ENTRY, DocumentTemplate, DueRule, KeyDate, Stage, TaskTemplate

PARTIES = Visibility.PARTIES
INTERNAL = Visibility.INTERNAL
RESTRICTED = Visibility.RESTRICTED
PDF_OR_PHOTO = ("application/pdf", "image/jpeg", "image/png")
PDF = ("application/pdf",)
PHOTO = ("image/jpeg", "image/png")
MB = 1024 * 1024


def due(anchor: str, days: int = 0) -> DueRule:
    return DueRule(anchor, days)


def after_entry(days: int) -> DueRule:
    return DueRule(STAGE_ENTRY, days)


def key_date(name: str, label: str, base: str | None = None, days: int = 0) -> KeyDate:
    return KeyDate(name, label, base, days)


def stage(
    key: str,
    label: str,
    next_step: str,
    *,
    documents: tuple[str, ...] = (),
    tasks: tuple[str, ...] = (),
    terminal: bool = False,
    exit: bool = False,
) -> Stage:
    return Stage(key, label, next_step, terminal or exit, exit, documents, tasks)


def task(
    key: str,
    title: str,
    stage: str,
    owner: str,
    when: DueRule | None = None,
    *,
    after: tuple[str, ...] = (),
    visibility: Visibility = PARTIES,
    proof: str = "none",
    work_order: bool = False,
) -> TaskTemplate:
    return TaskTemplate(key, title, stage, owner, when, after, visibility, proof, work_order)


def document(
    key: str,
    label: str,
    stage: str,
    *,
    uploaders: tuple[str, ...] = ("client",),
    when: DueRule | None = None,
    required: bool = True,
    visibility: Visibility = PARTIES,
    viewers: tuple[str, ...] = (),
    types: tuple[str, ...] = PDF_OR_PHOTO,
    max_mb: int = 25,
    signers: tuple[SignerRule, ...] = (),
) -> DocumentTemplate:
    return DocumentTemplate(
        key,
        key,
        label,
        stage,
        required,
        uploaders,
        visibility,
        viewers,
        types,
        max_mb * MB,
        when,
        signers=signers,
    )


def closing_photo_id(stage: str) -> DocumentTemplate:
    """The client's ID, shown only to staff and to title and the attorney who verify it at closing."""
    return document(
        "photo_id",
        "Government-issued photo ID",
        stage,
        when=after_entry(5),
        visibility=RESTRICTED,
        viewers=("title", "attorney"),
    )
