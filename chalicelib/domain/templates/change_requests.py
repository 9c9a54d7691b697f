"""The built-in change request types of each workflow (docs/CHANGE_REQUESTS.md), as data.

Who submits and who approves are named by role: party roles ("client" covers co-clients), and
"coordinator" (a coordinator party, or an admin or coordinator of the org), "admin" (an org admin).
Nobody approves their own request.
"""

from __future__ import annotations

from chalicelib.domain.change_request_types import (
    Approvals,
    ChangeRequestType,
    Effect,
    EffectKind,
    FieldSpec,
    Mode,
)
from chalicelib.domain.roles import Visibility

DEAL_TEAM = ("agent", "coordinator")
BUYERS = ("client", "agent", "coordinator")


def _date(label: str) -> FieldSpec:
    return FieldSpec("new_date", "date", label)


def _reason(label: str = "Why", required: bool = True) -> FieldSpec:
    return FieldSpec("reason", "text", label, required)


def _all(*roles: str) -> Approvals:
    return Approvals(Mode.ALL_OF, roles)


def _any(*roles: str) -> Approvals:
    return Approvals(Mode.ANY_OF, roles)


def _in_order(*roles: str) -> Approvals:
    return Approvals(Mode.IN_ORDER, roles)


def _move(key_date: str) -> Effect:
    return Effect(EffectKind.MOVE_KEY_DATE, key_date=key_date)


_DESCRIPTION = FieldSpec("description", "text", "What is asked for")
_PRICE = FieldSpec("price", "money", "New price (whole dollars)")

PURCHASE = (
    ChangeRequestType(
        "repair_request",
        "Repair request",
        (_DESCRIPTION, FieldSpec("credit", "money", "Credit asked instead (dollars)", False)),
        submitters=BUYERS,
        approvals=_in_order("agent", "client"),
        sla_hours=48,
        effect=Effect(
            EffectKind.REQUEST_DOCUMENT, document="repair_addendum", label="Signed repair addendum"
        ),
        blocks_leaving=("due_diligence",),
        description="Repairs or a credit asked of the seller after the inspection",
    ),
    ChangeRequestType(
        "closing_extension",
        "Closing extension",
        (_date("New closing date"), _reason()),
        submitters=(*BUYERS, "lender"),
        approvals=_all("client", "coordinator"),
        sla_hours=24,
        effect=_move("closing"),
        blocks_leaving=("clear_to_close",),
        description="Move the closing date; everything planned from it follows",
    ),
    ChangeRequestType(
        "price_amendment",
        "Price amendment",
        (_PRICE, _reason()),
        submitters=DEAL_TEAM,
        approvals=_in_order("client", "coordinator"),
        sla_hours=48,
        effect=Effect(EffectKind.SET_PRICE),
        visibility=Visibility.RESTRICTED,
        blocks_leaving=("financing",),
        description="Change the purchase price (an appraisal gap, a repair credit)",
    ),
    ChangeRequestType(
        "addendum",
        "Addendum",
        (_DESCRIPTION,),
        submitters=BUYERS,
        approvals=_all("client", "agent"),
        sla_hours=48,
        effect=Effect(EffectKind.REQUEST_DOCUMENT, role="agent", label="Signed addendum", due_days=2),
        description="Any other change to the contract, signed as an addendum",
    ),
    ChangeRequestType(
        "party_change",
        "Party change",
        (
            FieldSpec("action", "choice", "Add or remove", choices=("add", "remove")),
            FieldSpec("email", "email", "Their email"),
            FieldSpec("role", "choice", "Their role", choices=("co_client", "lender", "title", "attorney")),
            FieldSpec("name", "text", "Their name", required=False),
            _reason(required=False),
        ),
        submitters=BUYERS,
        approvals=_any("coordinator"),
        sla_hours=24,
        effect=Effect(EffectKind.PARTY_CHANGE),
        description="Add or remove a co-buyer, a lender, title or an attorney",
    ),
    ChangeRequestType(
        "document_update",
        "Updated document",
        (FieldSpec("document_type", "document_type", "Which document"), _reason("What changed")),
        submitters=(*BUYERS, "lender", "title", "attorney"),
        approvals=_any("coordinator"),
        sla_hours=24,
        effect=Effect(EffectKind.REQUEST_DOCUMENT, label="Updated document"),
        description="Ask for a new version of a document already on file",
    ),
)

LISTING = (
    ChangeRequestType(
        "price_change",
        "Price change",
        (_PRICE, _reason()),
        submitters=("client", *DEAL_TEAM),
        approvals=_all("client", "agent"),
        sla_hours=24,
        effect=Effect(EffectKind.SET_PRICE),
        description="Change the list price",
    ),
    ChangeRequestType(
        "showing_instructions",
        "Showing instructions",
        (FieldSpec("instructions", "text", "Instructions for showings"),),
        submitters=("client", *DEAL_TEAM),
        approvals=_any("client", "agent"),
        sla_hours=24,
        description="New instructions for showings (lockbox, pets, hours)",
    ),
)

LEASE = (
    ChangeRequestType(
        "move_in_date_change",
        "Move-in date change",
        (_date("New move-in date"), _reason()),
        submitters=("client", *DEAL_TEAM),
        approvals=_any("coordinator"),
        sla_hours=24,
        effect=_move("move_in"),
        blocks_leaving=("move_in_ready",),
        description="Move the move-in date; the keys handover and checklist follow",
    ),
    ChangeRequestType(
        "add_occupant",
        "Add an occupant",
        (
            FieldSpec("email", "email", "Their email"),
            FieldSpec("name", "text", "Their name"),
            _reason(required=False),
        ),
        submitters=("client", *DEAL_TEAM),
        approvals=_in_order("agent", "coordinator"),
        sla_hours=72,
        effect=Effect(EffectKind.ADD_PARTY, role="co_client"),
        description="Add someone to the lease (screened like the applicant)",
    ),
    ChangeRequestType(
        "repair_request",
        "Repair request",
        (_DESCRIPTION,),
        submitters=("client",),
        approvals=_any("coordinator"),
        sla_hours=48,
        effect=Effect(EffectKind.ADD_TASK, role="coordinator", label="Arrange the repair", due_days=2),
        description="Something in the unit needs fixing before or during the lease",
    ),
)

COST_THRESHOLD = 500  # dollars: a quote above it also needs the owner (the org's admin) to approve

MAINTENANCE = (
    ChangeRequestType(
        "reschedule",
        "Reschedule the visit",
        (_date("New visit date"), _reason()),
        submitters=("client", "vendor", "coordinator"),
        approvals=_any("client", "vendor", "coordinator"),
        sla_hours=12,
        effect=_move("scheduled_for"),
        description="Move the vendor's visit; the work order is re-dated with it",
    ),
    ChangeRequestType(
        "cost_approval",
        "Cost approval",
        (FieldSpec("amount", "money", "Quote (whole dollars)"), _DESCRIPTION),
        submitters=("vendor", "coordinator"),
        approvals=Approvals(Mode.ALL_OF, ("coordinator",), above=("amount", COST_THRESHOLD, "admin")),
        sla_hours=24,
        visibility=Visibility.RESTRICTED,
        description="A vendor's quote; above the threshold the owner approves too",
    ),
)
