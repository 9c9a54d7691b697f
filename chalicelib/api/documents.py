"""Documents: requests, upload forms, review, audited downloads and the org's review queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib import clock
from chalicelib.api.http import Answer, etag, page, page_params, query_param, route
from chalicelib.domain import account_responses as acc
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller
from chalicelib.domain.views import document_request_view, document_view, review_queue_view, upload_view
from chalicelib.services import document_requests as request_service
from chalicelib.services import documents as document_service

if TYPE_CHECKING:
    from chalicelib.domain.commands import DocumentCorrection, NewDocumentRequest, NewUpload, Review

documents = Blueprint(__name__)


@route(documents, "/v1/deals/{deal_id}/document-requests", "GET", summary="A deal's document requests")
def list_requests(caller: Caller, deal_id: str) -> out.Page[out.DocumentRequest]:
    found, _ = request_service.list_requests(caller, deal_id)
    return page([document_request_view(r, docs) for r, docs in found], None)


@route(
    documents,
    "/v1/deals/{deal_id}/document-requests",
    "POST",
    summary="Request a document (from the template or ad hoc)",
    body="NewDocumentRequest",
    status=201,
)
def create_request(caller: Caller, deal_id: str, body: NewDocumentRequest) -> Answer[out.DocumentRequest]:
    request, _ = request_service.create_request(caller, deal_id, body)
    location = f"/v1/deals/{deal_id}/document-requests/{request.request_id}"
    return Answer(document_request_view(request, []), {"ETag": etag(request.version), "Location": location})


@route(
    documents,
    "/v1/deals/{deal_id}/document-requests/{request_id}",
    "GET",
    summary="One document request with its versions (ETag: its version, for If-Match)",
)
def get_request(caller: Caller, deal_id: str, request_id: str) -> Answer[out.DocumentRequest]:
    request, versions = request_service.get_request(caller, deal_id, request_id)
    return Answer(document_request_view(request, versions), {"ETag": etag(request.version)})


@route(
    documents,
    "/v1/deals/{deal_id}/uploads/{upload_id}",
    "GET",
    summary="Where one upload is: issued, processing, accepted (its version) or refused (why)",
)
def get_upload(caller: Caller, deal_id: str, upload_id: str) -> out.Upload:
    form, state = request_service.upload_status(caller, deal_id, upload_id)
    return upload_view(form, state)


@route(
    documents,
    "/v1/deals/{deal_id}/document-requests/{request_id}/uploads",
    "POST",
    summary="A presigned POST form for one upload",
    body="NewUpload",
    status=201,
)
def create_upload(caller: Caller, deal_id: str, request_id: str, body: NewUpload) -> acc.UploadForm:
    post, form = request_service.issue_upload_form(caller, deal_id, request_id, body)
    return {
        "url": post["url"],
        "fields": post["fields"],
        "expires_at": clock.iso(form.form_expires_at),
        "max_bytes": form.max_bytes,
        "upload_id": form.upload_id,
    }


@route(
    documents,
    "/v1/deals/{deal_id}/documents/{document_id}/review",
    "POST",
    summary="Approve or reject a submitted version",
    body="Review",
)
def review(caller: Caller, deal_id: str, document_id: str, body: Review) -> acc.Reviewed:
    doc, request = document_service.review_document(caller, deal_id, document_id, body)
    return {**document_view(doc), "request": {"id": request.request_id, "status": request.status}}


@route(
    documents,
    "/v1/deals/{deal_id}/documents/{document_id}/download",
    "GET",
    summary="A short-lived download link; the view is recorded",
)
def download(caller: Caller, deal_id: str, document_id: str) -> acc.Download:
    found = document_service.download(caller, deal_id, document_id)
    return {
        "url": found.url,
        "expires_at": clock.iso(found.expires_at),
        "document": document_view(found.document),
    }


@route(documents, "/v1/admin/review-queue", "GET", summary="Documents awaiting review, oldest first")
def review_queue(caller: Caller, request: Request) -> out.Page[out.QueuedDocument]:
    limit, cursor = page_params(request)
    docs, next_cursor = document_service.review_queue(
        caller, org_id=query_param(request, "org_id"), limit=limit, cursor=cursor
    )
    return page([review_queue_view(d) for d in docs], next_cursor)


@route(
    documents,
    "/v1/admin/deals/{deal_id}/documents/{document_id}",
    "PATCH",
    summary="Correct a document's label or type, with a reason (admin, coordinator)",
    body="DocumentCorrection",
)
def correct_document(
    caller: Caller, deal_id: str, document_id: str, body: DocumentCorrection
) -> out.Document:
    from chalicelib.services import document_corrections

    return document_view(document_corrections.correct_document(caller, deal_id, document_id, body))
