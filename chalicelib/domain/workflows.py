"""Workflow templates: versioned data, not code. A deal pins the template version it started with.

This module holds the stage ladder of each built-in workflow (labels and plain-language next steps).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.errors import Invalid


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    next_step: str
    terminal: bool = False


@dataclass(frozen=True)
class WorkflowTemplate:
    workflow: str
    version: int
    title: str
    stages: tuple[Stage, ...]
    key_dates: tuple[str, ...] = ()

    @property
    def first_stage(self) -> Stage:
        return self.stages[0]

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise Invalid(f"'{key}' is not a stage of the {self.workflow} workflow", code="unknown_stage")

    def has_stage(self, key: str) -> bool:
        return any(s.key == key for s in self.stages)


def _stages(*rows: tuple[str, str, str] | tuple[str, str, str, bool]) -> tuple[Stage, ...]:
    return tuple(Stage(*row) for row in rows)


PURCHASE_V1 = WorkflowTemplate(
    workflow="purchase",
    version=1,
    title="Home purchase",
    key_dates=(
        "offer_accepted",
        "earnest_money_due",
        "inspection_deadline",
        "appraisal_deadline",
        "financing_deadline",
        "closing",
    ),
    stages=_stages(
        ("intake", "Getting started", "Tell us about your search and share your contact details."),
        ("pre_approval", "Pre-approval", "Upload your lender's pre-approval letter and proof of funds."),
        ("under_contract", "Under contract", "Send your earnest money and sign the disclosures."),
        ("due_diligence", "Inspections", "Attend the inspection and review the report with your agent."),
        ("financing", "Financing", "Answer your lender's requests quickly so the loan can be approved."),
        (
            "clear_to_close",
            "Clear to close",
            "Review your closing disclosure and plan the final walkthrough.",
        ),
        ("closing", "Closing", "Bring your ID to the closing appointment and sign."),
        ("closed", "Closed", "Congratulations on your new home. Your documents stay here.", True),
        ("cancelled", "Cancelled", "This purchase was cancelled. Your agent will follow up.", True),
    ),
)

LISTING_V1 = WorkflowTemplate(
    workflow="listing",
    version=1,
    title="Home sale (listing)",
    key_dates=("listing_agreement_signed", "photos_scheduled", "go_live", "offer_accepted", "closing"),
    stages=_stages(
        ("intake", "Getting started", "Share the property details and sign the listing agreement."),
        ("disclosures", "Disclosures", "Complete and sign the seller disclosures."),
        ("prep", "Preparing your home", "Finish repairs and staging before photos."),
        ("marketing_review", "Marketing review", "Review and approve the listing copy and photos."),
        ("live", "On the market", "Keep the home ready for showings; we'll share feedback."),
        ("under_contract", "Under contract", "Respond to buyer requests and prepare to move."),
        ("closed", "Sold", "Congratulations, your home is sold.", True),
        ("withdrawn", "Withdrawn", "The listing was withdrawn from the market.", True),
    ),
)

LEASE_V1 = WorkflowTemplate(
    workflow="lease",
    version=1,
    title="Lease",
    key_dates=("application_received", "lease_start", "move_in", "lease_end"),
    stages=_stages(
        ("application", "Application", "Complete your rental application and upload your ID."),
        ("screening", "Screening", "We are checking your application; answer any questions quickly."),
        ("approved", "Approved", "Review the lease terms we sent you."),
        ("lease_signing", "Lease signing", "Sign the lease and pay the deposit."),
        ("move_in_ready", "Ready to move in", "Pick up your keys on your move-in date."),
        ("active", "Active lease", "Report maintenance issues here any time."),
        ("ended", "Ended", "Your lease has ended. Thank you for renting with us.", True),
        ("denied", "Not approved", "Your application was not approved.", True),
    ),
)

MAINTENANCE_V1 = WorkflowTemplate(
    workflow="maintenance",
    version=1,
    title="Maintenance request",
    key_dates=("reported", "scheduled_for"),
    stages=_stages(
        ("submitted", "Submitted", "We received your request and will review it shortly."),
        ("triaged", "Reviewed", "We are choosing the right vendor for the job."),
        ("vendor_assigned", "Vendor assigned", "The vendor will contact you to schedule a visit."),
        ("scheduled", "Scheduled", "Make sure the vendor can access the unit at the scheduled time."),
        ("in_progress", "In progress", "The work is under way."),
        ("completed", "Completed", "Check the work and tell us if anything is still wrong."),
        ("closed", "Closed", "This request is closed.", True),
        ("cancelled", "Cancelled", "This request was cancelled.", True),
    ),
)

_TEMPLATES: dict[tuple[str, int], WorkflowTemplate] = {
    (t.workflow, t.version): t for t in (PURCHASE_V1, LISTING_V1, LEASE_V1, MAINTENANCE_V1)
}
WORKFLOWS = tuple(sorted({workflow for workflow, _ in _TEMPLATES}))


def latest(workflow: str) -> WorkflowTemplate:
    versions = [t for (name, _), t in _TEMPLATES.items() if name == workflow]
    if not versions:
        raise Invalid(f"unknown workflow '{workflow}'", code="unknown_workflow", details={"known": WORKFLOWS})
    return max(versions, key=lambda t: t.version)


def pinned(workflow: str, version: int) -> WorkflowTemplate:
    """The exact template a deal started with."""
    try:
        return _TEMPLATES[(workflow, version)]
    except KeyError:
        raise Invalid(f"no template {workflow} v{version}", code="unknown_template") from None
