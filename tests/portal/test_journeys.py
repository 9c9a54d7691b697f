"""The two journeys the portal exists for, in a real browser at phone size against `make run`:
a client accepts an emailed invitation and uploads a PDF from the page; a coordinator reviews it, finishes
the stage's tasks and moves the deal on."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from tests.portal.conftest import Stack, press, sign_in, snap

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
COORDINATOR = "cora.coord@harbormain.example"
INVITEE = f"nina.{uuid.uuid4().hex[:8]}@mail.example"  # new to Threshold on every run
LINK = re.compile(r"(https?://[^\s]+/invitations/[A-Za-z0-9_-]+)")


def test_a_client_accepts_the_emailed_invitation_and_uploads_a_pdf_from_the_page(
    page: Any, portal_stack: Stack, tmp_path: Path
) -> None:
    # Given the coordinator invited Nina to a deal and asked her for an insurance binder
    demo_deal = _deal(portal_stack, "Quick purchase — 9 Birch Ln")
    party = _invite(portal_stack, demo_deal, INVITEE)
    portal_stack.call(
        COORDINATOR,
        "POST",
        f"/v1/deals/{demo_deal}/document-requests",
        {
            "type": "insurance_binder",
            "label": "Homeowner's insurance binder",
            "target_user_ids": [party["user_id"]],
        },
    )
    inbox = portal_stack.emails_to(INVITEE)
    assert inbox, "the invitation was emailed"
    link = LINK.search(inbox[-1]["body"])
    assert link is not None, "the invitation email carries a portal link"
    # the email names the stage's own portal (PORTAL_URL); the test's browser opens the same path on it
    path = "/invitations/" + link.group(1).rsplit("/invitations/", 1)[1]

    # When she opens the link from her email, signs in and accepts
    page.goto(portal_stack.portal + path)
    page.get_by_text("You are invited to").wait_for()
    snap(page, "client-invitation")
    page.get_by_label("Email").fill(INVITEE)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Accept invitation").click()

    # Then she lands on the deal, with no token in the address bar
    page.get_by_role("heading", level=1, name="Quick purchase — 9 Birch Ln").wait_for()
    assert "/deals/" in page.url and "invitations" not in page.url
    page.get_by_role("heading", name="What happens next").wait_for()

    # When she uploads a PDF to the request from the page
    request = page.locator("li.item", has_text="Homeowner's insurance binder").first
    file = tmp_path / "binder.pdf"
    file.write_bytes(PDF)
    request.get_by_label("Upload a file…").set_input_files(str(file))

    # Then the page follows it through processing to submitted
    page.get_by_text("Received — waiting for review.").wait_for(timeout=60_000)
    page.get_by_text("Received — waiting for review.").scroll_into_view_if_needed()
    snap(page, "client-uploaded")
    request = page.locator("li.item", has_text="Homeowner's insurance binder").first
    assert request.locator(".badge-submitted").first.is_visible()
    assert "token" not in page.url


def test_a_coordinator_approves_from_the_review_queue_completes_tasks_and_advances_the_stage(
    page: Any, portal_stack: Stack
) -> None:
    # Given the demo client's inspection report is waiting in the review queue
    sign_in(page, portal_stack, "Cora Diaz")
    page.get_by_role("link", name="Review").click()
    item = page.locator("li.item", has_text="Home inspection report")

    # When she previews it in the page and approves it
    item.get_by_role("button", name=re.compile("^Preview inspection.pdf")).click()
    item.locator("iframe[title='Preview of inspection.pdf']").wait_for()
    snap(page, "staff-review-preview")
    press(
        page,
        item.get_by_role("button", name="Approve Home inspection report"),
        "Home inspection report approved.",
    )
    page.get_by_text("Home inspection report: approved.").wait_for()

    # And opens the deal and finishes the stage's tasks, in their order
    page.get_by_role("link", name="My deals").click()
    page.get_by_role("link", name="Reyes purchase — 14 Elm St").click()
    page.get_by_role("heading", name="Move the deal").wait_for()
    for title in (
        "Schedule the home inspection",
        "Attend the inspection",
        "Review the inspection report with your agent",
        "Negotiate repairs or credits, or release the contingency",
    ):
        task = page.locator("#tasks-h + ul > li.item", has_text=title)
        task.get_by_label(re.compile(f"^Note for “{re.escape(title)}”")).fill("Done with the client")
        press(page, task.get_by_role("button", name="Mark done"), f"“{title}” is done.")

    # Then the definition of done is met and the deal moves on
    checklist = page.locator(".checklist")
    checklist.scroll_into_view_if_needed()
    snap(page, "staff-definition-of-done")
    assert checklist.locator(".unmet").count() == 0
    press(page, page.get_by_role("button", name="Move the deal"), "The deal moved to its next stage.")
    assert page.locator(".stage-now").inner_text() == "Now: Financing"


def _deal(stack: Stack, title: str) -> str:
    found = stack.call(COORDINATOR, "GET", "/v1/deals?limit=50")
    return str(next(d["id"] for d in found["items"] if d["title"] == title))


def _invite(stack: Stack, deal_id: str, email: str) -> dict[str, Any]:
    """The coordinator invites `email` as a co-client."""
    party: dict[str, Any] = stack.call(
        COORDINATOR,
        "POST",
        f"/v1/deals/{deal_id}/parties",
        {"email": email, "role": "co_client", "name": "Nina New"},
    )
    return party
