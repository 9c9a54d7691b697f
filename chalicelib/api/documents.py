"""Documents: requests, upload forms, review, audited downloads and the org's review queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib import clock
from chalicelib.api.http import Answer, etag, page, page_params, query_param, route
from chalicelib.domain import responses as out
from chalicelib.domain.access import Caller
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import account_responses as acc
    from chalicelib.domain import views
    from chalicelib.domain.commands import DocumentCorrection, NewDocumentRequest, NewUpload, Review
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    acc = LazyModule("chalicelib.domain.account_responses")
    views = LazyModule("chalicelib.domain.views")

documents = Blueprint(__name__)


@route(documents, "/v1/deals/{deal_id}/document-requests", "GET", summary="A deal's document requests")
def list_requests(caller: Caller, deal_id: str) -> out.Page[out.DocumentRequest]:
    from chalicelib.services import document_requests as request_service

    found, _ = request_service.list_requests(caller, deal_id)
    return page([views.document_request_view(r, docs) for r, docs in found], None)


@route(
    documents,
    "/v1/deals/{deal_id}/document-requests",
    "POST",
    summary="Request a document (from the template or ad hoc)",
    body="NewDocumentRequest",
    status=201,
)
def create_request(caller: Caller, deal_id: str, body: NewDocumentRequest) -> Answer[out.DocumentRequest]:
    from chalicelib.services import document_requests as request_service

    request, _ = request_service.create_request(caller, deal_id, body)
    location = f"/v1/deals/{deal_id}/document-requests/{request.request_id}"
    return Answer(
        views.document_request_view(request, []), {"ETag": etag(request.version), "Location": location}
    )


@route(
    documents,
    "/v1/deals/{deal_id}/document-requests/{request_id}",
    "GET",
    summary="One document request with its versions (ETag: its version, for If-Match)",
)
def get_request(caller: Caller, deal_id: str, request_id: str) -> Answer[out.DocumentRequest]:
    from chalicelib.services import document_requests as request_service

    request, versions = request_service.get_request(caller, deal_id, request_id)
    return Answer(views.document_request_view(request, versions), {"ETag": etag(request.version)})


@route(
    documents,
    "/v1/deals/{deal_id}/uploads/{upload_id}",
    "GET",
    summary="Where one upload is: issued, processing, accepted (its version) or refused (why)",
)
def get_upload(caller: Caller, deal_id: str, upload_id: str) -> out.Upload:
    from chalicelib.services import document_requests as request_service

    form, state = request_service.upload_status(caller, deal_id, upload_id)
    return views.upload_view(form, state)


@route(
    documents,
    "/v1/deals/{deal_id}/document-requests/{request_id}/uploads",
    "POST",
    summary="A presigned POST form for one upload",
    body="NewUpload",
    status=201,
)
def create_upload(caller: Caller, deal_id: str, request_id: str, body: NewUpload) -> acc.UploadForm:
    from chalicelib.services import document_requests as request_service

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
    from chalicelib.services import documents as document_service

    doc, request = document_service.review_document(caller, deal_id, document_id, body)
    return {**views.document_view(doc), "request": {"id": request.request_id, "status": request.status}}


@route(
    documents,
    "/v1/deals/{deal_id}/documents/{document_id}/download",
    "GET",
    summary="A short-lived download link; the view is recorded",
)
def download(caller: Caller, deal_id: str, document_id: str) -> acc.Download:
    from chalicelib.services import documents as document_service

    found = document_service.download(caller, deal_id, document_id)
    return {
        "url": found.url,
        "expires_at": clock.iso(found.expires_at),
        "document": views.document_view(found.document),
    }


@route(documents, "/v1/admin/review-queue", "GET", summary="Documents awaiting review, oldest first")
def review_queue(caller: Caller, request: Request) -> out.Page[out.QueuedDocument]:
    from chalicelib.services import documents as document_service

    limit, cursor = page_params(request)
    docs, next_cursor = document_service.review_queue(
        caller, org_id=query_param(request, "org_id"), limit=limit, cursor=cursor
    )
    return page([views.review_queue_view(d) for d in docs], next_cursor)


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

    return views.document_view(document_corrections.correct_document(caller, deal_id, document_id, body))
