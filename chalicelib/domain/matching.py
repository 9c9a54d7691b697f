"""Normalized keys and near-duplicate scores for people and places (docs/INTAKE.md, "Duplicates").

Exact duplicates are found by key: a contact's normalized email (email-validator, lowercased) and phone
(libphonenumber, E.164) and a property's normalized US address + unit (usaddress tags the parts; the
street suffix, directionals and unit designator are abbreviated the USPS way). Near-duplicates are scored
with rapidfuzz. Both libraries load on first use (cold start)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.entities import Address

NEAR_EMAIL = 88.0  # rapidfuzz ratio of two addresses, 0–100: one or two typos in a typical address
NEAR_NAME = 85.0  # token-sort ratio of two names at the same property

_SUFFIXES = {
    "STREET": "ST", "AVENUE": "AVE", "ROAD": "RD", "DRIVE": "DR", "BOULEVARD": "BLVD", "LANE": "LN",
    "COURT": "CT", "PLACE": "PL", "TERRACE": "TER", "PARKWAY": "PKWY", "CIRCLE": "CIR", "HIGHWAY": "HWY",
    "SQUARE": "SQ", "WAY": "WAY", "TRAIL": "TRL", "PLAZA": "PLZ",
}  # fmt: skip
_DIRECTIONS = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W",
    "NORTHEAST": "NE", "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
}  # fmt: skip
_UNIT_WORDS = {"APT", "APARTMENT", "UNIT", "STE", "SUITE", "#", "NO", "FL", "FLOOR", "RM", "ROOM"}
_STREET_PARTS = (
    "AddressNumber",
    "StreetNamePreDirectional",
    "StreetName",
    "StreetNamePostType",
    "StreetNamePostDirectional",
)


def _words(text: str) -> list[str]:
    return re.sub(r"[^A-Z0-9# ]+", " ", text.upper()).split()


def _abbreviated(word: str) -> str:
    return _SUFFIXES.get(word, _DIRECTIONS.get(word, word))


def street_key(line: str) -> str:
    """`12 Harbor Street` and `12 harbor st.` → `12 HARBOR ST` (usaddress picks out the street parts;
    anything it cannot tag is kept, abbreviated)."""
    import usaddress

    try:
        tagged, _ = usaddress.tag(line)
        parts = [str(tagged[p]) for p in _STREET_PARTS if p in tagged]
    except usaddress.RepeatedLabelError:
        parts = [line]
    text = " ".join(parts) or line
    return " ".join(_abbreviated(w) for w in _words(text))


def unit_key(unit: str | None, line1: str = "", line2: str | None = None) -> str:
    """`Apt 4B`, `#4b`, `Unit 4-B` → `4B`; a unit typed on the street line is found there too."""
    import usaddress

    text = unit or line2 or ""
    if not text:
        try:
            tagged, _ = usaddress.tag(line1)
            text = str(tagged.get("OccupancyIdentifier") or "")
        except usaddress.RepeatedLabelError:
            text = ""
    words = [w for w in _words(text) if w not in _UNIT_WORDS]
    return "".join(words).replace("#", "")


def address_key(address: Address, unit: str | None) -> str:
    """The property's identity in its org: street, city, state, 5-digit ZIP and unit."""
    city = " ".join(_words(address.city))
    return f"{street_key(address.line1)}|{city}|{address.state.upper()}|{address.postal_code[:5]}|{unit_key(unit, address.line1, address.line2)}"  # noqa: E501


def address_prefix(text: str) -> str:
    """A search prefix normalized like the keys (`12 harbor str` → `12 HARBOR STR`): abbreviations
    apply to whole words only, so a half-typed suffix still matches."""
    words = _words(text)
    if not words:
        return ""
    head = [_abbreviated(w) for w in words[:-1]]
    last = words[-1]
    complete = text.rstrip() != text or last in _SUFFIXES or last in _DIRECTIONS
    return " ".join([*head, _abbreviated(last) if complete else last])


@dataclass(frozen=True)
class Candidate:
    kind: str  # contact
    id: str
    reason: str  # similar_email, similar_name_same_property
    score: float


def similar_emails(email: str, others: Iterable[tuple[str, str]]) -> list[Candidate]:
    """`others`: (contact id, email) pairs read by key prefix; those within a typo or two of `email`."""
    from rapidfuzz import fuzz

    found = []
    for contact_id, other in others:
        if other == email:
            continue
        score = fuzz.ratio(email, other)
        if score >= NEAR_EMAIL:
            found.append(Candidate("contact", contact_id, "similar_email", round(score, 1)))
    return sorted(found, key=lambda c: -c.score)


def similar_names(name: str, others: Iterable[tuple[str, str]]) -> list[Candidate]:
    """`others`: (contact id, name) of the people already linked to the same property."""
    from rapidfuzz import fuzz, utils

    found = []
    for contact_id, other in others:
        score = fuzz.token_sort_ratio(name, other, processor=utils.default_process)
        if score >= NEAR_NAME:
            found.append(Candidate("contact", contact_id, "similar_name_same_property", round(score, 1)))
    return sorted(found, key=lambda c: -c.score)


def email_neighbourhood(email: str) -> str:
    """The key prefix under which near-misses of `email` are looked for: its first three characters
    (a typo in the domain or late in the local part keeps them)."""
    return email[:3]
