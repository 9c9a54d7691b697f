"""Ops correct a document's label or type (a file filed under the wrong request type, a label that
confuses the client). The correction lands on the request — the type is what a stage's definition of done
counts — and on every version's copy of it, with the reason, in one transaction."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.domain.access import Action, Caller
from chalicelib.domain.entities import Actor, Deal, Document, DocumentRequest, Party
from chalicelib.domain.errors import Conflict, Invalid, NotFound
from chalicelib.domain.events import EventType
from chalicelib.domain.roles import Visibility
from chalicelib.services.access import deal_header_access
from chalicelib.services.activity import deal_event
from chalicelib.store import deals as deal_store
from chalicelib.store import documents as doc_store
from chalicelib.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from chalicelib.domain.commands import DocumentCorrection


def correct_document(caller: Caller, deal_id: str, document_id: str, command: DocumentCorrection) -> Document:
    deal, parties, access = deal_header_access(caller, deal_id)
    access.require(Action.REVIEW_DOCUMENT)  # admins and coordinators: the admin panel
    if not planned_changes(deal_id, document_id, command):
        raise Conflict("the document already has this label and type", code="nothing_to_correct")
    return correct_as(caller.actor, deal, parties, document_id, command)


def planned_changes(deal_id: str, document_id: str, command: DocumentCorrection) -> list[dict[str, str]]:
    """Each field that would change, with its old and new value (empty when it is already so)."""
    _, request = _located(deal_id, document_id)
    return [
        {"field": name, "from": getattr(request, name), "to": value}
        for name, value in _wanted(command).items()
        if getattr(request, name) != value
    ]


def correct_as(
    actor: Actor, deal: Deal, parties: list[Party], document_id: str, command: DocumentCorrection
) -> Document:
    """The correction itself, for the admin route and the runbook alike."""
    doc, request = _located(deal.deal_id, document_id)
    wanted = _wanted(command)
    changes = planned_changes(deal.deal_id, document_id, command)
    corrected = dataclasses.replace(request, **wanted, version=request.version + 1)
    uow = UnitOfWork()
    doc_store.change_request(uow, request, corrected)
    versions = [d for d in doc_store.deal_documents(deal.deal_id) if d.request_id == request.request_id]
    for version in versions:
        doc_store.change_document(uow, version, dataclasses.replace(version, **wanted))
    deal_store.touch(uow, deal, parties, clock.now())
    uow.record(
        deal_event(
            deal,
            actor,
            EventType.DOCUMENT_CORRECTED,
            f"{actor.label} corrected “{request.label}”: " + ", ".join(c["field"] for c in changes),
            visibility=Visibility.INTERNAL,
            data={
                "document_id": document_id,
                "request_id": request.request_id,
                "changes": changes,
                "reason": command.reason,
            },
        )
    )
    uow.commit()
    return next((dataclasses.replace(v, **wanted) for v in versions if v.document_id == document_id), doc)


def _located(deal_id: str, document_id: str) -> tuple[Document, DocumentRequest]:
    doc = doc_store.load_document(deal_id, document_id)
    request = doc_store.load_request(deal_id, doc.request_id) if doc else None
    if doc is None or request is None:
        raise NotFound("document not found")
    return doc, request


def _wanted(command: DocumentCorrection) -> dict[str, Any]:
    wanted = {
        name: getattr(command, name) for name in ("label", "type") if getattr(command, name) is not None
    }
    if not wanted:
        raise Invalid("say what to correct: label, type or both", code="nothing_to_correct")
    return wanted
