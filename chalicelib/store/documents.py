"""Document requests, document versions and upload forms in the deal partition; the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.entities import Deal, Document, DocumentRequest, Party, UploadForm
from chalicelib.domain.errors import Conflict, PreconditionFailed
from chalicelib.store import schema
from chalicelib.store.deals import deal_partition
from chalicelib.store.errors import translated, write_conflict
from chalicelib.store.models import (
    DealItem,
    DocumentItem,
    DocumentRequestItem,
    PartyItem,
    UploadFormItem,
)
from chalicelib.store.table import TableItem, query_all, query_page
from chalicelib.store.unit_of_work import UnitOfWork, changes_between

# Long past a form's 5-minute life: S3 events can arrive late and SQS keeps a message up to 14 days.
FORM_RECORD_RETENTION = timedelta(days=30)
# `W#D` covers W#DEAL (deal, parties), W#DOC# (versions) and W#DREQ# (requests): one Query.
DOCUMENTS_PREFIX = "W#D"


def _get(cls: type[TableItem], key: tuple[str, str]) -> Any:
    with translated():
        try:
            return cls.get(key[0], key[1], consistent_read=True).to_entity()
        except DoesNotExist:
            return None


def load_request(deal_id: str, request_id: str) -> DocumentRequest | None:
    result: DocumentRequest | None = _get(
        DocumentRequestItem, DocumentRequestItem.key_for(deal_id=deal_id, request_id=request_id)
    )
    return result


def load_document(deal_id: str, document_id: str) -> Document | None:
    result: Document | None = _get(
        DocumentItem, DocumentItem.key_for(deal_id=deal_id, document_id=document_id)
    )
    return result


def load_form(deal_id: str, upload_id: str) -> UploadForm | None:
    result: UploadForm | None = _get(
        UploadFormItem, UploadFormItem.key_for(deal_id=deal_id, upload_id=upload_id)
    )
    return result


@dataclass
class DealDocuments:
    """A deal with its parties, document requests and versions, from one Query."""

    deal: Deal
    parties: list[Party]
    requests: list[DocumentRequest]
    documents: list[Document]

    def request(self, request_id: str) -> DocumentRequest | None:
        return next((r for r in self.requests if r.request_id == request_id), None)

    def versions(self, request_id: str) -> list[Document]:
        return sorted((d for d in self.documents if d.request_id == request_id), key=lambda d: d.version)


def load_deal_documents(deal_id: str) -> DealDocuments | None:
    """Deal, parties, requests and versions (not tasks or stage history): one consistent Query."""
    with translated():
        items = query_all(deal_partition(deal_id), sort_condition=TableItem.sk.startswith(DOCUMENTS_PREFIX))
    deal = next((i.to_entity() for i in items if isinstance(i, DealItem)), None)
    if deal is None:
        return None
    return DealDocuments(
        deal,
        [i.to_entity() for i in items if isinstance(i, PartyItem)],
        [i.to_entity() for i in items if isinstance(i, DocumentRequestItem)],
        [i.to_entity() for i in items if isinstance(i, DocumentItem)],
    )


def deal_documents(deal_id: str) -> list[Document]:
    """Every version of a deal's documents (for archiving): one Query per 1 MB."""
    with translated():
        items = query_all(deal_partition(deal_id), sort_condition=TableItem.sk.startswith("W#DOC#"))
    return [i.to_entity() for i in items if isinstance(i, DocumentItem)]


def review_queue_page(
    org_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[Document], dict[str, Any] | None]:
    """An org's versions awaiting review, oldest first: one Query on GSI2."""
    with translated():
        page = query_page(
            DocumentItem.INDEXES[schema.GSI2].partition_for(org_id=org_id),
            index=schema.GSI2,
            limit=limit,
            start_key=start,
        )
    return [i.to_entity() for i in page.items if isinstance(i, DocumentItem)], page.last_key


# -- writes -------------------------------------------------------------------------------------


def add_request(uow: UnitOfWork, request: DocumentRequest) -> None:
    uow.create(DocumentRequestItem.from_entity(request))


def change_request(uow: UnitOfWork, before: DocumentRequest, after: DocumentRequest) -> None:
    """Optimistic: holds only while the stored request is still at `before.version` (else 412)."""
    changes = changes_between(before, after)
    changes.pop("version", None)
    uow.update(
        DocumentRequestItem.from_entity(before),
        changes,
        expected_version=before.version,
        on_fail=PreconditionFailed("the request changed meanwhile; reload it and try again"),
    )


def add_document(uow: UnitOfWork, doc: Document) -> None:
    uow.create(DocumentItem.from_entity(doc), on_exists=Conflict("this version exists", code="duplicate"))


def change_document(uow: UnitOfWork, before: Document, after: Document) -> None:
    """Holds only while the version is still in the status it was read in."""
    uow.update(
        DocumentItem.from_entity(before),
        changes_between(before, after),
        condition=DocumentItem.status == before.status,
        on_fail=Conflict("this version was reviewed or replaced meanwhile", code="not_awaiting_review"),
    )


def add_form(uow: UnitOfWork, form: UploadForm, issued_at: datetime) -> None:
    item = UploadFormItem.from_entity(form)
    item.expires_at = issued_at + FORM_RECORD_RETENTION
    uow.create(item)


def close_form(uow: UnitOfWork, before: UploadForm, after: UploadForm) -> None:
    """A form is used once: accepted or refused, on the condition it is still `issued`."""
    uow.update(
        UploadFormItem.from_entity(before),
        changes_between(before, after),
        condition=UploadFormItem.status == before.status,
        on_fail=write_conflict(),
    )
