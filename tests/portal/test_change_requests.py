"""Change requests in the browser: the client asks to move the closing, the coordinator asks for a reason,
the client changes it and sends it again, the coordinator approves, and the client sees the change made."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.portal.conftest import Stack, press, sign_in, snap

COORDINATOR = "cora.coord@harbormain.example"
DEAL = "Reyes purchase — 14 Elm St"


def test_a_client_asks_to_move_the_closing_and_sees_the_coordinators_decisions(
    page: Any, portal_stack: Stack
) -> None:
    # Given the deal closes on its planned date
    deals = portal_stack.call(COORDINATOR, "GET", "/v1/deals?limit=50")["items"]
    deal_id = next(d["id"] for d in deals if d["title"] == DEAL)
    closing = date.fromisoformat(
        portal_stack.call(COORDINATOR, "GET", f"/v1/deals/{deal_id}")["key_dates"]["closing"]
    )
    later = closing + timedelta(days=7)

    # When the client asks for a closing extension from her deal page
    sign_in(page, portal_stack, "Bianca Reyes")
    page.get_by_role("link", name=DEAL).click()
    page.get_by_role("heading", name="Change requests").wait_for()
    page.get_by_text("Ask for a change", exact=True).click()
    page.get_by_label("What would you like to change?").select_option(label="Closing extension")
    page.get_by_label("New closing date").fill(later.isoformat())
    page.get_by_label("Why").fill("The movers can only come a week later")
    press(page, page.get_by_role("button", name="Send the request"), "Your change request was sent.")

    # Then she sees it waiting on the coordinator
    mine = page.locator("li.change-request", has_text="Closing extension").first
    mine.get_by_text("Waiting for a decision").wait_for()
    assert "the coordinator" in mine.inner_text()
    mine.scroll_into_view_if_needed()
    snap(page, "client-change-request")

    # When the coordinator finds it in the org's queue and asks for changes, with a reason
    sign_in(page, portal_stack, "Cora Diaz")
    page.get_by_role("link", name="Changes").click()
    page.get_by_role("heading", level=1, name="Change requests").wait_for()
    snap(page, "staff-change-queue")
    # (the queue is the org's, oldest first: another test's request may come before this deal's)
    page.locator(
        f'a[href="/deals/{deal_id}"]', has_text="Open the deal to decide on this closing extension"
    ).first.click()
    theirs = page.locator("li.change-request", has_text="Waiting for a decision").first
    theirs.get_by_role("button", name="Ask for changes").click()
    theirs.get_by_text("Say why in the comment").wait_for()  # a reason is required, and she is told so
    theirs.get_by_label("Comment on the closing extension").fill("Please attach the lender's rate-lock date")
    press(
        page,
        theirs.get_by_role("button", name="Ask for changes"),
        "Changes asked for on the closing extension.",
    )

    # Then the client reads the reason, changes her request and sends it again
    sign_in(page, portal_stack, "Bianca Reyes")
    page.get_by_role("link", name=DEAL).click()
    mine = page.locator("li.change-request", has_text="Changes asked for").first
    mine.get_by_text("Please attach the lender's rate-lock date").wait_for()
    mine.get_by_label("Why").fill("The movers come a week later; the rate lock runs to that date")
    press(page, mine.get_by_role("button", name="Send it again"), "Closing extension sent again.")

    # When the coordinator approves it
    sign_in(page, portal_stack, "Cora Diaz")
    page.get_by_role("link", name=DEAL).click()
    theirs = page.locator("li.change-request", has_text="Waiting for a decision").first
    theirs.get_by_text("round 2").wait_for()
    theirs.scroll_into_view_if_needed()
    snap(page, "staff-change-decision")
    press(page, theirs.get_by_role("button", name="Approve"), "Closing extension approved.")

    # Then the client sees the decision and the closing date moved on her deal
    sign_in(page, portal_stack, "Bianca Reyes")
    page.get_by_role("link", name=DEAL).click()
    done = page.locator("li.change-request", has_text="Approved and applied to the deal").first
    done.wait_for()
    text = done.inner_text()
    assert "Cora Diaz (coordinator) approved" in text
    assert "asked for changes" in text and "Please attach the lender's rate-lock date" in text
    assert "The closing date moved" in text
    done.scroll_into_view_if_needed()
    snap(page, "client-change-applied")
    assert (
        portal_stack.call(COORDINATOR, "GET", f"/v1/deals/{deal_id}")["key_dates"]["closing"]
        == later.isoformat()
    )
