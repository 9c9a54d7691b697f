"""Records of intake as their response shapes (domain/intake_responses.py). Staff-only records: every
route that serves them is for the org's staff."""

from __future__ import annotations

from typing import cast

from chalicelib.clock import iso
from chalicelib.domain import intake_responses as out
from chalicelib.domain.contacts import Contact, Lead
from chalicelib.domain.entities import Property
from chalicelib.domain.intake import IntakeSettings
from chalicelib.domain.responses import Address


def form_view(org_name: str, settings: IntakeSettings) -> out.IntakeForm:
    return {
        "org_name": org_name,
        "scenarios": [
            {
                "key": s.key,
                "label": s.label,
                "questions": [
                    {
                        "key": q.key,
                        "label": q.label,
                        "type": q.type,
                        "required": q.required,
                        "choices": list(q.choices),
                        "help": q.help,
                    }
                    for q in s.questions
                ],
                "checklist": list(s.checklist),
                "property_required": s.property_required,
            }
            for s in settings.scenarios
        ],
    }


def lead_view(lead: Lead) -> out.LeadOut:
    view: out.LeadOut = {
        "id": lead.lead_id,
        "org_id": lead.org_id,
        "scenario": lead.scenario,
        "status": lead.status.value,
        "contact_id": lead.contact_id,
        "contact_name": lead.contact_name,
        "property_id": lead.property_id,
        "owner_user_id": lead.owner_user_id,
        "routed_by": lead.routed_by,
        "answers": dict(lead.answers),
        "candidates": cast("list[out.Candidate]", [dict(c) for c in lead.candidates]),
        "linked_deal_ids": list(lead.linked_deal_ids),
        "submissions": int(lead.submissions),
        "created_at": iso(lead.created_at),
        "updated_at": iso(lead.updated_at),
        "contacted_at": iso(lead.contacted_at) if lead.contacted_at else None,
        "deal_id": lead.deal_id,
        "version": lead.version,
        "source": lead.source or "intake",
    }
    if lead.source_name:
        view["source_name"] = lead.source_name
    if lead.external_id:
        view["external_id"] = lead.external_id
    if lead.disqualify_reason:
        view["disqualify_reason"] = lead.disqualify_reason
    return view


def contact_view(contact: Contact, *, brief: bool = False) -> out.ContactOut:
    view: out.ContactOut = {
        "id": contact.contact_id,
        "org_id": contact.org_id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
    }
    if brief:  # a search hit, answered from the key items alone
        return view
    view["roles"] = list(contact.roles)
    view["source"] = contact.source
    view["deal_ids"] = list(contact.deal_ids)
    view["created_at"] = iso(contact.created_at)
    if contact.company:
        view["company"] = contact.company
    if contact.preferred_channel:
        view["preferred_channel"] = contact.preferred_channel
    if contact.open_lead_id:
        view["open_lead_id"] = contact.open_lead_id
    if contact.merged_into and contact.merged_at:
        view["merged_into"], view["merged_at"] = contact.merged_into, iso(contact.merged_at)
    return view


def property_view(prop: Property) -> out.PropertyRecord:
    view: out.PropertyRecord = {
        "id": prop.property_id,
        "org_id": prop.org_id,
        "address": cast(Address, prop.address.as_dict()),
        "unit": prop.unit,
        "apn": prop.apn,
        "mls_id": prop.mls_id,
        "owner_account_id": prop.owner_account_id,
        "created_at": iso(prop.created_at),
    }
    if prop.merged_into and prop.merged_at:
        view["merged_into"], view["merged_at"] = prop.merged_into, iso(prop.merged_at)
    return view
