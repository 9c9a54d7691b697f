"""The file types a document request may accept, and how a file's first bytes prove what it is.

Browsers declare a type from the file name; the ingest believes the bytes, not the name or the header:
a `.pdf` that does not start like a PDF is refused, whatever Content-Type it was sent with.

Browsers also disagree on names: Chromium reports a `.heic` photo as `image/heif`, some send
`image/jpg` or `image/x-png`, and a file whose type the OS does not know comes with `""`. `canonical()`
maps the aliases to the one type a request lists; `from_file_name()` judges an empty type by the file's
extension (the ingest then checks the bytes against it, as for any declared type).
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

ALIASES = {
    "image/heif": HEIC,  # Chromium's name for .heic photos (HEIF is the container, HEIC its HEVC flavour)
    "image/heic-sequence": HEIC,
    "image/heif-sequence": HEIC,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "image/x-png": PNG,
    "application/x-pdf": PDF,
    "image/tif": TIFF,
    "application/csv": CSV,
}
EXTENSIONS = {
    "pdf": PDF,
    "jpg": JPEG,
    "jpeg": JPEG,
    "jpe": JPEG,
    "png": PNG,
    "heic": HEIC,
    "heif": HEIC,
    "tif": TIFF,
    "tiff": TIFF,
    "docx": DOCX,
    "xlsx": XLSX,
    "doc": DOC,
    "txt": TEXT,
    "csv": CSV,
}


def canonical(content_type: str) -> str:
    """The type as a request lists it: lowercased, parameters dropped (`; charset=...`), aliases mapped."""
    base = content_type.split(";", 1)[0].strip().lower()
    return ALIASES.get(base, base)


def from_file_name(file_name: str) -> str | None:
    """The type a file's extension names, for a browser that declared none; None if unknown."""
    stem, dot, extension = file_name.rpartition(".")
    return EXTENSIONS.get(extension.lower()) if dot and stem else None


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
