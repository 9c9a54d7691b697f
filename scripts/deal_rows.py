"""The CSV layout of a bulk deal import (docs/IMPORT.md): one row → the body of `POST /v1/deals`.

Columns: external_id, workflow, title, address_line1, address_line2, city, state, postal_code, unit, price,
`date.<key date>` (YYYY-MM-DD) and `party.<role>.email` / `.name` / `.phone`. Empty cells are absent.
"""

from __future__ import annotations

from typing import Any

ADDRESS = {"address_line1": "line1", "address_line2": "line2", "city": "city", "state": "state"}


class RowError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def clean(row: dict[str | None, Any]) -> dict[str, str]:
    """Trimmed, non-empty cells; a row longer than the header is an error."""
    if None in row:
        raise RowError("extra_cells", "the row has more cells than the header")
    return {
        k.strip(): v.strip() for k, v in row.items() if k is not None and isinstance(v, str) and v.strip()
    }


def deal_body(cells: dict[str, str], org_id: str) -> dict[str, Any]:
    if not cells.get("external_id"):
        raise RowError("external_id_required", "every row needs an external_id (it makes re-runs safe)")
    known = {"external_id", "workflow", "title", "postal_code", "unit", "price", *ADDRESS}
    unknown = sorted(k for k in cells if k not in known and not k.startswith(("date.", "party.")))
    if unknown:
        raise RowError("unknown_columns", f"unknown columns: {', '.join(unknown)}")
    address: dict[str, Any] = {field: cells[column] for column, field in ADDRESS.items() if column in cells}
    if "postal_code" in cells:
        address["postal_code"] = cells["postal_code"]
    body: dict[str, Any] = {
        "org_id": org_id,
        "external_id": cells["external_id"],
        "workflow": cells.get("workflow", ""),
        "title": cells.get("title", ""),
        "property": {"address": address, **({"unit": cells["unit"]} if "unit" in cells else {})},
        "key_dates": {k.removeprefix("date."): v for k, v in cells.items() if k.startswith("date.")},
        "parties": _parties(cells),
    }
    if "price" in cells:
        body["price"] = _whole_number(cells["price"])
    return body


def _whole_number(text: str) -> int:
    digits = text.replace(",", "").replace("$", "")
    if not digits.isdigit():
        raise RowError("invalid_price", f"price must be a whole number of dollars, not {text!r}")
    return int(digits)


def _parties(cells: dict[str, str]) -> list[dict[str, str]]:
    people: dict[str, dict[str, str]] = {}
    for column, value in cells.items():
        if not column.startswith("party."):
            continue
        parts = column.split(".")
        if len(parts) != 3 or parts[2] not in ("email", "name", "phone"):
            raise RowError(
                "unknown_columns", f"party columns are party.<role>.email|name|phone, not {column}"
            )
        people.setdefault(parts[1], {})[parts[2]] = value
    parties = []
    for role, person in people.items():
        if "email" not in person:
            raise RowError("party_email_required", f"party.{role}.email is needed for the {role}")
        parties.append({"role": role, **person})
    return parties
