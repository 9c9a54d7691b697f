"""Maintenance: a tenant's (or staff's) ticket to completion. The vendor accepts or declines the work
order; completion proof is a photo or an invoice. Seen by the requester, staff and the assigned vendor."""

from __future__ import annotations

from chalicelib.domain.templates import change_requests
from chalicelib.domain.templates.build import (
    INTERNAL,
    PDF_OR_PHOTO,
    PHOTO,
    RESTRICTED,
    after_entry,
    document,
    due,
    key_date,
    stage,
    task,
)
from chalicelib.domain.workflows import WorkflowTemplate

MAINTENANCE_V1 = WorkflowTemplate(
    workflow="maintenance",
    version=1,
    opened_on="reported",
    title="Maintenance request",
    change_requests=change_requests.MAINTENANCE,
    opened_by_clients=True,
    key_dates=(
        key_date("reported", "Reported"),
        key_date("scheduled_for", "Visit scheduled"),
    ),
    stages=(
        stage(
            "submitted",
            "Submitted",
            "We received your request and will review it shortly.",
            tasks=("triage",),
        ),
        stage(
            "triaged", "Reviewed", "We are choosing the right vendor for the job.", tasks=("assign_vendor",)
        ),
        stage(
            "vendor_assigned",
            "Vendor assigned",
            "The vendor will contact you to schedule a visit.",
            tasks=("accept_work_order", "schedule_visit"),
        ),
        stage("scheduled", "Scheduled", "Make sure the vendor can access the unit at the scheduled time."),
        stage(
            "in_progress",
            "In progress",
            "The work is under way.",
            documents=("completion_proof",),
            tasks=("complete_work",),
        ),
        stage("completed", "Completed", "Check the work and tell us if anything is still wrong."),
        stage("closed", "Closed", "This request is closed.", terminal=True),
        stage("cancelled", "Cancelled", "This request was cancelled.", exit=True),
    ),
    tasks=(
        task(
            "triage",
            "Triage the request and set its priority",
            "submitted",
            "coordinator",
            after_entry(1),
            visibility=INTERNAL,
            proof="note",
        ),
        task(
            "assign_vendor", "Assign a vendor", "triaged", "coordinator", after_entry(1), visibility=INTERNAL
        ),
        task(
            "accept_work_order",
            "Accept or decline the work order",
            "vendor_assigned",
            "vendor",
            after_entry(1),
            work_order=True,
        ),
        task(
            "schedule_visit",
            "Schedule the visit with the tenant",
            "vendor_assigned",
            "vendor",
            after_entry(2),
            after=("accept_work_order",),
            proof="note",
        ),
        task(
            "complete_work",
            "Complete the work",
            "in_progress",
            "vendor",
            due("scheduled_for", 1),
            proof="document",
        ),
        task("confirm_fixed", "Confirm the problem is fixed", "completed", "client", after_entry(3)),
    ),
    documents=(
        document(
            "issue_photos",
            "Photos of the problem",
            "submitted",
            required=False,
            types=PHOTO,
            when=after_entry(1),
        ),
        document(
            "completion_proof",
            "Completion photo or invoice",
            "in_progress",
            uploaders=("vendor",),
            visibility=RESTRICTED,
            viewers=("client",),
            types=PDF_OR_PHOTO,
            when=due("scheduled_for", 1),
        ),
    ),
)
