"""What Threshold asks of an e-signature provider, whichever it is (docs/ESIGN.md).

A provider creates an envelope from one PDF and an ordered list of signers, finds an envelope it created
for a given attempt (so a retried send never creates a second one), downloads the signed document once
everyone has signed, and voids an envelope. Providers answer in these types only; their HTTP, auth and
payload shapes stay in their own module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Signer:
    name: str
    email: str
    order: int  # 1 signs first; equal orders sign in parallel
    recipient_id: str  # unique within the envelope


@dataclass(frozen=True)
class EnvelopeRequest:
    attempt_id: str  # carried by the envelope (a custom field) so a retry can find it
    subject: str
    document_name: str
    document: bytes  # the PDF to sign
    signers: tuple[Signer, ...]


class ProviderError(Exception):
    """The provider refused or could not be reached. `refused`: it answered with a client error, so the
    call certainly did nothing (without an answer, or with a server error, it may have)."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


class EsignProvider(Protocol):
    name: str

    def create_envelope(self, request: EnvelopeRequest) -> str:
        """Send the envelope for signature; returns its id."""
        ...

    def find_envelope(self, attempt_id: str) -> str | None:
        """The envelope an earlier, unfinished send created for this attempt, if any."""
        ...

    def signed_document(self, envelope_id: str) -> bytes:
        """The completed envelope's documents as one PDF."""
        ...

    def void(self, envelope_id: str, reason: str) -> None: ...
