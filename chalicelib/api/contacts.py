"""Contacts and property records (docs/INTAKE.md): staff of the org create, read, list and search them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from chalice.app import Request

from chalicelib.api.http import Answer, page, page_params, query_param, route
from chalicelib.domain.responses import Page
from chalicelib.lazy import LazyModule

if TYPE_CHECKING:
    from chalicelib.domain import intake_responses as out
    from chalicelib.domain import intake_views as views
    from chalicelib.domain.access import Caller
    from chalicelib.domain.intake_commands import MergeIn, NewContact, NewPropertyRecord, UnmergeIn
else:  # the feature's shapes and views load with its first request (chalicelib/lazy.py)
    out = LazyModule("chalicelib.domain.intake_responses")
    views = LazyModule("chalicelib.domain.intake_views")

contacts = Blueprint(__name__)


def _search(request: Request, name: str, longest: int) -> str | None:
    """A search prefix, bounded as the document says (422 `invalid_search` beyond)."""
    from chalicelib.domain.errors import Invalid

    value = query_param(request, name)
    if value is not None and len(value) > longest:
        raise Invalid(f"{name} is at most {longest} characters", code="invalid_search")
    return value


@route(
    contacts,
    "/v1/contacts",
    "POST",
    summary="Add a contact (refused if its email or phone is known)",
    body="NewContact",
    status=201,
)
def create_contact(caller: Caller, body: NewContact) -> Answer[out.ContactOut]:
    from chalicelib.services import contacts as service

    contact = service.create_contact(caller, body)
    return Answer(views.contact_view(contact), {"Location": f"/v1/contacts/{contact.contact_id}"})


@route(
    contacts,
    "/v1/contacts",
    "GET",
    summary="The org's contacts by name, or a search by name, email or phone prefix",
)
def list_contacts(caller: Caller, request: Request) -> Page[out.ContactOut]:
    from chalicelib.services import contacts as service

    limit, cursor = page_params(request)
    email, phone = _search(request, "email", 254), _search(request, "phone", 40)
    items, next_cursor = service.search_contacts(
        caller,
        org_id=query_param(request, "org_id"),
        email=email,
        phone=phone,
        name=_search(request, "name", 60),
        limit=limit,
        cursor=cursor,
    )
    return page([views.contact_view(c, brief=bool(email or phone)) for c in items], next_cursor)


@route(contacts, "/v1/contacts/{contact_id}", "GET", summary="One contact")
def get_contact(caller: Caller, contact_id: str) -> out.ContactOut:
    from chalicelib.services import contacts as service

    return views.contact_view(service.get_contact(caller, contact_id))


@route(
    contacts,
    "/v1/properties",
    "POST",
    summary="Add a property record (refused if its address and unit are known)",
    body="NewPropertyRecord",
    status=201,
)
def create_property(caller: Caller, body: NewPropertyRecord) -> Answer[out.PropertyRecord]:
    from chalicelib.services import contacts as service

    prop = service.create_property(caller, body)
    return Answer(views.property_view(prop), {"Location": f"/v1/properties/{prop.property_id}"})


@route(contacts, "/v1/properties", "GET", summary="Property records whose address starts with `address`")
def list_properties(caller: Caller, request: Request) -> Page[out.PropertyRecord]:
    from chalicelib.services import contacts as service

    limit, cursor = page_params(request)
    items, next_cursor = service.search_properties(
        caller,
        org_id=query_param(request, "org_id"),
        address=_search(request, "address", 200),
        limit=limit,
        cursor=cursor,
    )
    return page([views.property_view(p) for p in items], next_cursor)


@route(contacts, "/v1/properties/{property_id}", "GET", summary="One property record")
def get_property(caller: Caller, property_id: str) -> out.PropertyRecord:
    from chalicelib.services import contacts as service

    return views.property_view(service.get_property(caller, property_id))


# -- merging duplicates (admins and coordinators; docs/INTAKE.md, "Merging") ------------------------------


@route(
    contacts,
    "/v1/admin/contacts/{contact_id}/merge",
    "POST",
    summary="Merge a duplicate contact into another",
    body="MergeIn",
)
def merge_contact(caller: Caller, contact_id: str, body: MergeIn) -> out.ContactOut:
    from chalicelib.services import merges

    return views.contact_view(merges.merge_contact(caller, contact_id, body))


@route(
    contacts,
    "/v1/admin/contacts/{contact_id}/unmerge",
    "POST",
    summary="Undo a contact merge (within 30 days)",
    body="UnmergeIn",
)
def unmerge_contact(caller: Caller, contact_id: str, body: UnmergeIn) -> out.ContactOut:
    from chalicelib.services import merges

    return views.contact_view(merges.unmerge_contact(caller, contact_id, body))


@route(
    contacts,
    "/v1/admin/properties/{property_id}/merge",
    "POST",
    summary="Merge a duplicate property record into another",
    body="MergeIn",
)
def merge_property(caller: Caller, property_id: str, body: MergeIn) -> out.PropertyRecord:
    from chalicelib.services import merges

    return views.property_view(merges.merge_property(caller, property_id, body))


@route(
    contacts,
    "/v1/admin/properties/{property_id}/unmerge",
    "POST",
    summary="Undo a property merge (within 30 days)",
    body="UnmergeIn",
)
def unmerge_property(caller: Caller, property_id: str, body: UnmergeIn) -> out.PropertyRecord:
    from chalicelib.services import merges

    return views.property_view(merges.unmerge_property(caller, property_id, body))
