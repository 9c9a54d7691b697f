"""The file types a document request may accept, and how a file's first bytes prove what it is.

Browsers declare a type from the file name; the ingest believes the bytes, not the name or the header:
a `.pdf` that does not start like a PDF is refused, whatever Content-Type it was sent with.
"""

from __future__ import annotations

from collections.abc import Callable

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
TEXT = "text/plain"
CSV = "text/csv"

DEFAULT_ACCEPTED = (PDF, JPEG, PNG)
HEAD_BYTES = 512  # enough for every signature below

_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
_ZIP = b"PK\x03\x04"


def _text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a multi-byte character cut by the head's end is fine
    return True


SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    PDF: lambda h: h.startswith(b"%PDF-"),
    JPEG: lambda h: h.startswith(b"\xff\xd8\xff"),
    PNG: lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    HEIC: lambda h: h[4:8] == b"ftyp" and h[8:12] in _HEIF_BRANDS,
    TIFF: lambda h: h.startswith((b"II*\x00", b"MM\x00*")),
    DOCX: lambda h: h.startswith(_ZIP),
    XLSX: lambda h: h.startswith(_ZIP),
    DOC: lambda h: h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    TEXT: _text,
    CSV: _text,
}
SUPPORTED = tuple(SIGNATURES)


def matches(content_type: str, head: bytes) -> bool:
    """Do the file's first bytes look like `content_type`?"""
    check = SIGNATURES.get(content_type)
    return check is not None and check(head)
