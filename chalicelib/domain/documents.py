"""Rules of the document loop (PRODUCT.md §5): request → upload → ingest → review → archive.

Pure: statuses, who may upload to a request, who may see a version, and the reasons an upload is refused
(what the uploader is told). No I/O here.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from urllib.parse import quote

from chalicelib.domain.access import DealAccess, can_see
from chalicelib.domain.entities import Document, DocumentRequest
from chalicelib.domain.errors import Conflict, Forbidden


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    SUBMITTED = "submitted"  # a version awaits review
    APPROVED = "approved"  # meets the definition of done
    REJECTED = "rejected"  # sent back to the uploader with a reason
    CANCELLED = "cancelled"  # a terminal stage closed it


class DocumentStatus(StrEnum):
    SUBMITTED = "submitted"  # awaiting review: in the org's review queue
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # a newer version arrived before this one was reviewed
    WITHDRAWN = "withdrawn"  # the deal closed (its request was cancelled) before anyone reviewed it


class FormStatus(StrEnum):
    ISSUED = "issued"
    ACCEPTED = "accepted"  # its file became a version
    REFUSED = "refused"  # its file was quarantined


class Retention(StrEnum):
    """The retention class an object carries in its `retention` tag; the bucket's lifecycle rules act on
    it (docs/DOCUMENTS.md)."""

    DEAL_OPEN = "deal-open"
    DEAL_CLOSED = "deal-closed"  # the deal reached a terminal stage: kept for the records period
    QUARANTINE = "quarantine"  # refused by the ingest: kept briefly for investigation


RETENTION_TAG = "retention"


def retention_tags(org_id: str, deal_id: str, retention: Retention) -> dict[str, str]:
    return {RETENTION_TAG: retention.value, "org": org_id, "deal": deal_id}


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class RejectionReason(StrEnum):
    """Why a reviewer sends a document back; the uploader sees the code's label and the reviewer's text."""

    ILLEGIBLE = "illegible"
    INCOMPLETE = "incomplete"
    WRONG_DOCUMENT = "wrong_document"
    EXPIRED = "expired"
    UNSIGNED = "unsigned"
    WRONG_PERSON = "wrong_person"
    OTHER = "other"


class Refusal(StrEnum):
    """Why the ingest refused a file. The uploader reads `REFUSAL_MESSAGES` on the request."""

    EMPTY = "empty_file"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    TYPE_NOT_ACCEPTED = "type_not_accepted"
    DUPLICATE = "duplicate"
    REQUEST_CLOSED = "request_closed"
    FORM_NOT_ISSUED = "form_not_issued"
    FORM_EXPIRED = "form_expired"
    NOT_A_REQUEST = "not_a_request"
    UPLOADER_REMOVED = "uploader_removed"


REFUSAL_MESSAGES: dict[Refusal, str] = {
    Refusal.EMPTY: "The file was empty. Choose the file again and upload it.",
    Refusal.TOO_LARGE: "The file is larger than this request allows.",
    Refusal.WRONG_TYPE: "The file's contents do not match its type (for example, a .pdf that is not a PDF).",
    Refusal.TYPE_NOT_ACCEPTED: "This request does not accept files of that type.",
    Refusal.DUPLICATE: "This exact file was already uploaded to this request.",
    Refusal.REQUEST_CLOSED: "This request is no longer open for uploads.",
    Refusal.FORM_NOT_ISSUED: "The file did not come through an upload form issued for this request.",
    Refusal.FORM_EXPIRED: "The upload form had expired. Start the upload again.",
    Refusal.NOT_A_REQUEST: "The file was not uploaded to any open request.",
    Refusal.UPLOADER_REMOVED: "The person who uploaded it no longer has access to this deal.",
}

OPEN_FOR_UPLOAD = frozenset({RequestStatus.REQUESTED, RequestStatus.REJECTED, RequestStatus.SUBMITTED})


def is_open(request: DocumentRequest) -> bool:
    """Uploads are taken until a request is approved or cancelled; an upload while a version awaits
    review replaces it (the earlier one is superseded)."""
    return request.status in OPEN_FOR_UPLOAD


def request_audience(request: DocumentRequest) -> list[str]:
    """The users named on a request: they see it (and its versions) whatever its visibility."""
    return sorted({*request.restricted_to, *request.target_user_ids})


def request_visible(request: DocumentRequest, access: DealAccess) -> bool:
    return can_see(access, request.visibility, request_audience(request))


def document_visible(doc: Document, access: DealAccess) -> bool:
    """A version is seen by whoever sees its request (its audience is copied onto it at ingest) and by
    the person who uploaded it."""
    return can_see(access, doc.visibility, [*doc.restricted_to, doc.uploaded_by])


def require_can_upload(access: DealAccess, request: DocumentRequest) -> None:
    """Staff of the deal, or a party the request targets (PRODUCT.md §1)."""
    if not (access.is_staff or access.user_id in request.target_user_ids):
        raise Forbidden("only the people this request is addressed to can upload to it", code="not_a_target")
    if not is_open(request):
        raise Conflict(f"this request is {request.status}: it takes no more uploads", code="request_closed")


def refusal_view(
    code: Refusal, *, file_name: str | None, at: str, uploaded_by: str | None, upload_id: str | None = None
) -> dict[str, str]:
    """What the uploader reads on the request (`last_refusal`); `upload_id` names the form it refused."""
    out = {"code": code.value, "message": REFUSAL_MESSAGES[code], "at": at}
    if upload_id:
        out["upload_id"] = upload_id
    if file_name:
        out["file_name"] = file_name
    if uploaded_by:
        out["uploaded_by"] = uploaded_by
    return out


def content_disposition(file_name: str) -> str:
    """`attachment` (never rendered inline on S3's origin), with an ASCII fallback name that cannot break
    out of its quotes and the exact name in RFC 5987 form for browsers that read it."""
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    safe = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in ascii_name).strip() or "document"
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(file_name, safe='')}"
