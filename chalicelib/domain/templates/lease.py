"""Tenant onboarding, application to move-in, then the active lease (fair-housing practice: screening
details stay internal; the applicant sees only where they stand)."""

from __future__ import annotations

from chalicelib.domain.templates import change_requests
from chalicelib.domain.templates.build import (
    INTERNAL,
    PDF,
    RESTRICTED,
    after_entry,
    document,
    due,
    key_date,
    stage,
    task,
)
from chalicelib.domain.workflows import WorkflowTemplate

LEASE_V1 = WorkflowTemplate(
    workflow="lease",
    version=1,
    opened_on="application_received",
    title="Lease",
    change_requests=change_requests.LEASE,
    key_dates=(
        key_date("application_received", "Application received"),
        key_date("lease_start", "Lease starts"),
        key_date("deposit_due", "Deposit due", "lease_start", -7),
        key_date("move_in", "Move-in", "lease_start", 0),
        key_date("lease_end", "Lease ends", "lease_start", 365),
    ),
    stages=(
        stage(
            "application",
            "Application",
            "Complete your rental application and upload your ID and proof of income.",
            documents=("rental_application", "photo_id", "proof_of_income"),
        ),
        stage(
            "screening",
            "Screening",
            "We are checking your application; answer any questions quickly.",
            tasks=("run_screening", "verify_income"),
        ),
        stage(
            "approved",
            "Approved",
            "Review the lease terms we sent you.",
            tasks=("send_lease",),
        ),
        stage(
            "lease_signing",
            "Lease signing",
            "Sign the lease, pay the deposit and upload proof of renter's insurance.",
            documents=("signed_lease", "renters_insurance"),
            tasks=("pay_deposit",),
        ),
        stage(
            "move_in_ready",
            "Ready to move in",
            "Pick up your keys on your move-in date and walk the unit with us.",
            tasks=("move_in_inspection", "hand_over_keys"),
        ),
        stage("active", "Active lease", "Report maintenance issues here any time."),
        stage("ended", "Ended", "Your lease has ended. Thank you for renting with us.", terminal=True),
        stage("denied", "Not approved", "Your application was not approved.", exit=True),
    ),
    tasks=(
        task("pay_application_fee", "Pay the application fee", "application", "client", after_entry(2)),
        task(
            "run_screening",
            "Run credit and background screening",
            "screening",
            "coordinator",
            after_entry(2),
            visibility=INTERNAL,
            proof="note",
        ),
        task(
            "verify_income",
            "Verify income and employment",
            "screening",
            "coordinator",
            after_entry(3),
            visibility=INTERNAL,
            proof="note",
        ),
        task(
            "landlord_reference",
            "Call the previous landlord",
            "screening",
            "coordinator",
            after_entry(3),
            visibility=INTERNAL,
        ),
        task("send_lease", "Send the lease for signature", "approved", "coordinator", after_entry(1)),
        task(
            "pay_deposit",
            "Pay the security deposit and first month's rent",
            "lease_signing",
            "client",
            due("deposit_due"),
            proof="note",
        ),
        task(
            "move_in_inspection",
            "Move-in inspection with photos",
            "move_in_ready",
            "coordinator",
            due("move_in"),
            proof="note",
        ),
        task(
            "hand_over_keys",
            "Hand over the keys",
            "move_in_ready",
            "agent",
            due("move_in"),
            after=("move_in_inspection",),
        ),
        task(
            "renewal_decision",
            "Decide on renewal",
            "active",
            "coordinator",
            due("lease_end", -60),
            visibility=INTERNAL,
        ),
    ),
    documents=(
        document("rental_application", "Rental application", "application", when=after_entry(2)),
        document(
            "photo_id",
            "Government-issued photo ID",
            "application",
            when=after_entry(2),
            visibility=RESTRICTED,
        ),
        document(
            "proof_of_income",
            "Proof of income (pay stubs or an offer letter)",
            "application",
            when=after_entry(3),
            visibility=RESTRICTED,
        ),
        document("signed_lease", "Signed lease", "lease_signing", when=after_entry(3), types=PDF),
        document(
            "renters_insurance", "Renter's insurance certificate", "lease_signing", when=due("move_in", -3)
        ),
        document(
            "move_in_checklist",
            "Move-in condition checklist",
            "move_in_ready",
            required=False,
            when=due("move_in", 3),
        ),
    ),
)
