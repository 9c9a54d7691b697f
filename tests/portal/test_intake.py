"""Intake in the browser: a visitor sends Harbor & Main's public form (a missing answer is shown next to
its question first), the coordinator finds the lead in the queue, flagged as a near-duplicate, marks it
contacted, converts it and lands on the new deal."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.portal.conftest import Stack, press, sign_in, snap

COORDINATOR = "cora.coord@harbormain.example"


def test_a_visitors_request_becomes_a_deal_through_the_lead_queue(page: Any, portal_stack: Stack) -> None:
    name = f"Pat Lane {uuid.uuid4().hex[:6]}"
    email = f"nora.lind{uuid.uuid4().hex[:4]}@mail.example"  # a typo away from a demo contact's

    # Given a mistyped form address says so
    page.goto(portal_stack.portal + "/intake/harbor-mian")
    page.get_by_role("heading", level=1, name="There is no form at this address").wait_for()

    # When a visitor opens the public form (no sign-in) and sends it without a required answer
    page.goto(portal_stack.portal + "/intake/harbor-main")
    page.get_by_role("heading", level=1, name="Contact Harbor & Main Realty").wait_for()
    page.get_by_label("What can we help you with?").select_option(label="Sell a home")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Street address").fill("15 Beacon Street")
    page.get_by_label("City").fill("Boston")
    page.get_by_label("State").select_option("MA")
    page.get_by_label("ZIP code").fill("02108")
    page.get_by_label("What do you think it is worth (USD)? (optional)").fill("850000")
    # the honeypot is there for bots only: screen readers and the tab order never reach it
    assert page.locator("input[name=website]").count() == 1
    assert page.get_by_role("textbox", name=re.compile("Website")).count() == 0
    page.get_by_role("button", name="Send").click()

    # Then the problem is shown next to the question, and nothing else is refused
    when = page.get_by_label("When do you want to move?")
    page.get_by_role("alert").get_by_text("Some of what you entered can't be accepted.").wait_for()
    assert when.get_attribute("aria-invalid") == "true"
    assert page.locator(".field", has=when).locator(".field-error").inner_text() == "This is required."
    assert page.locator(".field-error").count() == 1

    # When she answers it and sends the form again
    when.select_option("1-3 months")
    page.get_by_role("button", name="Send").click()

    # Then she is told it was received and what to prepare
    page.get_by_role("heading", level=1, name="Thank you").wait_for()
    assert "Your deed or the last closing statement" in page.get_by_role("list").last.inner_text()
    snap(page, "visitor-intake-sent")

    # When the coordinator finds the new lead in the queue and marks it contacted
    sign_in(page, portal_stack, "Cora Diaz")
    page.get_by_role("link", name="Leads").click()
    page.get_by_role("heading", level=1, name="Leads").wait_for()
    row = page.locator("li.lead", has_text=name)
    assert "sell" in row.inner_text() and "new" in row.inner_text()
    assert "possible duplicate" in row.inner_text()
    row.get_by_role("link", name=name).click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    assert "1-3 months" in page.locator("section", has_text="What they told us").inner_text()
    duplicates = page.locator("section", has=page.get_by_role("heading", name="Possible duplicates"))
    assert "Nora Lind (nora.lind@mail.example) — a very similar email address" in duplicates.inner_text()
    press(page, page.get_by_role("button", name="Mark contacted"), "The lead is marked contacted.")
    assert page.locator(".badge", has_text="contacted").count() == 1

    # And converts it
    press(
        page, page.get_by_role("button", name="Convert to a deal"), "The lead is converted: its deal is open."
    )
    snap(page, "staff-lead-converted")
    page.get_by_role("link", name="Open its deal").click()

    # Then she lands on the new deal, which the lead names
    page.get_by_role("heading", level=1, name=re.compile(re.escape(name))).wait_for()
    deal_id = page.url.rsplit("/deals/", 1)[1]
    leads = portal_stack.call(COORDINATOR, "GET", "/v1/admin/leads?status=converted&limit=100")["items"]
    lead = next(item for item in leads if item["contact_name"] == name)
    assert lead["deal_id"] == deal_id
