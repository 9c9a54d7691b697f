"""Runbooks for documents: correct a document's label or type (as the admin route does), and finish
archiving a closed deal's files (the transition archives them after its transaction; if S3 failed then,
this completes it — and is safe to run any number of times)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import workflows
from chalicelib.domain.commands import DocumentCorrection, DocumentType, Id, Reason, Title
from chalicelib.domain.entities import Actor, Deal
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.runbooks.framework import Runbook, RunbookInput, Step
from chalicelib.services import document_corrections as corrections
from chalicelib.services import documents as document_service
from chalicelib.store import deals as deal_store


class ArchiveInput(RunbookInput):
    deal_id: Id


def _closed_deal(given: ArchiveInput) -> Deal:
    deal, _ = deal_store.load_header(given.deal_id)
    if deal is None:
        raise NotFound("deal not found")
    stage = workflows.of_deal(deal).stage(deal.stage)
    if not stage.terminal:
        raise Conflict(
            f"the deal is still {stage.label}: only a closed deal's documents are archived", code="deal_open"
        )
    return deal


def _plan_archive(given: ArchiveInput) -> list[Step]:
    deal = _closed_deal(given)
    return [
        Step(step.pop("action"), {"deal_id": deal.deal_id, **step})
        for step in document_service.archive_plan(deal)
    ]


def _apply_archive(given: ArchiveInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    tagged = document_service.archive_deal_documents(_closed_deal(given), actor)
    return [{"deal_id": given.deal_id, "files_tagged": tagged}]


ARCHIVE_DEAL_DOCUMENTS = Runbook(
    "runbook_archive_deal_documents", ArchiveInput, _plan_archive, _apply_archive
)


class CorrectDocumentInput(RunbookInput):
    deal_id: Id
    document_id: Id
    label: Title | None = None
    type: DocumentType | None = None
    reason: Reason


def _correction(given: CorrectDocumentInput) -> DocumentCorrection:
    return DocumentCorrection(label=given.label, type=given.type, reason=given.reason)


def _plan_correct(given: CorrectDocumentInput) -> list[Step]:
    changes = corrections.planned_changes(given.deal_id, given.document_id, _correction(given))
    target = {"deal_id": given.deal_id, "document_id": given.document_id}
    return [Step(f"set the {c['field']}", {**target, "from": c["from"], "to": c["to"]}) for c in changes]


def _apply_correct(given: CorrectDocumentInput, steps: list[Step], actor: Actor) -> list[dict[str, Any]]:
    deal, parties = deal_store.load_header(given.deal_id)
    if deal is None:
        raise NotFound("deal not found")
    doc = corrections.correct_as(actor, deal, parties, given.document_id, _correction(given))
    return [{"deal_id": given.deal_id, "document_id": doc.document_id, "label": doc.label, "type": doc.type}]


CORRECT_DOCUMENT = Runbook("runbook_correct_document", CorrectDocumentInput, _plan_correct, _apply_correct)
