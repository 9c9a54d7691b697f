"""Resending a notification from the list: the coordinator opens the deal, picks the client and sees the
emails the deal sent her, newest first, then resends one; the client is emailed once more. No id to paste."""

from __future__ import annotations

from typing import Any

from tests.portal.conftest import Stack, press, sign_in, snap

CLIENT = "bianca.buyer@mail.example"
DEAL = "Reyes purchase — 14 Elm St"


def test_a_coordinator_resends_a_clients_email_from_the_deals_list(page: Any, portal_stack: Stack) -> None:
    # Given the deal has emailed its client (the demo's own updates)
    assert portal_stack.emails_to(CLIENT), "the demo emailed the client"

    # When the coordinator lists what the deal sent her by email
    sign_in(page, portal_stack, "Cora Diaz")
    page.get_by_role("link", name=DEAL).click()
    section = page.locator("section", has=page.get_by_role("heading", name="Notifications sent"))
    section.get_by_label("Person").select_option(label="Bianca Reyes (client)")
    section.get_by_label("Channel").select_option("email")
    section.get_by_role("button", name="Show notifications").click()
    listed = section.locator("li.item")
    listed.first.get_by_role("button", name="Resend").wait_for()
    assert listed.count() >= 2
    first = section.locator("li.item", has=page.locator(".badge-sent")).first  # already in her inbox
    subject = first.locator("strong").inner_text()
    assert "Elm St" in subject, subject
    section.scroll_into_view_if_needed()
    snap(page, "staff-notifications-sent")

    # And resends the newest one she was sent, with a reason
    before = [m for m in portal_stack.emails_to(CLIENT) if m["subject"] == subject]
    assert before, "the listed email is in her inbox"
    first.get_by_label(f"Reason for resending “{subject}” (optional)").fill("She says it never arrived")
    press(page, first.get_by_role("button", name="Resend"), f"Resent “{subject}”.")

    # Then the page says it went out, and the client's inbox has it once more
    first.get_by_text("Sent again: sent.").wait_for()
    after = [m for m in portal_stack.emails_to(CLIENT) if m["subject"] == subject]
    assert len(after) == len(before) + 1
