"""Every main screen of the portal, at phone width (375 px), checked with axe-core: no serious or critical
violation, and nothing wider than the screen. With THRESHOLD_PORTAL_SCREENSHOTS=<folder> the same walk
saves a screenshot of each screen (how docs/portal/*.png are made)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.portal.conftest import AXE, AXE_SHA256, PHONE, Stack, sign_in, snap

BLOCKING = {"serious", "critical"}


@pytest.fixture
def audited(browser: Any) -> Iterator[Any]:
    """A phone-sized page that may load axe-core despite the portal's CSP (which allows no inline script)."""
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256, "the vendored axe-core changed"
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def check(page: Any, screen: str) -> list[str]:
    """axe's serious and critical violations on the page as it is now, and any sideways scrolling."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = [
        f"{screen}: {v['id']} ({v['impact']}) on {len(v['nodes'])} element(s): {v['help']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        found.append(f"{screen}: {width} px wide at a {PHONE['width']} px screen")
    snap(page, screen)
    return found


def visit(
    page: Any, link: str | re.Pattern[str], heading: str, screen: str, level: int | None = None
) -> list[str]:
    """Follow a link, wait for the page's heading, then check the screen."""
    page.get_by_role("link", name=link).click()
    named = {"level": level} if level else {}
    page.get_by_role("heading", name=heading, **named).wait_for()
    return check(page, screen)


def test_the_client_screens_pass_axe_at_phone_width(audited: Any, portal_stack: Stack) -> None:
    page = audited
    problems = []
    page.goto(portal_stack.portal + "/sign-in")
    problems += check(page, "sign-in")
    sign_in(page, portal_stack, "Bianca Reyes")
    problems += check(page, "client-deals")
    problems += visit(page, "Reyes purchase — 14 Elm St", "What happens next", "client-deal")
    problems += visit(page, "Updates", "Updates", "client-updates", level=1)
    problems += visit(page, "Settings", "Settings", "client-settings", level=1)
    page.goto(portal_stack.portal + "/sign-in")
    sign_in(page, portal_stack, "Carl Quick")
    page.get_by_role("link", name="Quick purchase — 9 Birch Ln").click()
    refused = page.locator("li.item", has_text="Your last file was not accepted")
    refused.scroll_into_view_if_needed()
    assert refused.get_by_text("Upload a file…").count() == 1  # he can try again at once
    problems += check(page, "client-refused-upload")
    # his Brooklyn deal runs the org's New York template: its timeline has the attorney review it is in
    page.get_by_role("link", name="My deals").click()
    page.get_by_role("link", name="Nguyen purchase — 18 Prospect Pl").click()
    current = page.locator("ol.timeline li[aria-current=step]")
    current.wait_for()
    assert current.locator(".step-label").inner_text() == "Attorney review"
    assert problems == []


def test_the_staff_screens_pass_axe_at_phone_width(audited: Any, portal_stack: Stack) -> None:
    page = audited
    problems = []
    sign_in(page, portal_stack, "Cora Diaz")
    problems += visit(page, "Review", "Review queue", "staff-review-queue", level=1)
    problems += visit(page, "Pipeline", "Pipeline", "staff-pipeline")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("caption").first.wait_for()
    problems += check(page, "staff-reports")
    problems += visit(page, "Activity", "Organisation activity", "staff-activity", level=1)
    page.get_by_role("link", name="My deals").click()
    problems += visit(page, "Nguyen lease — 500 Main St #3B", "Move the deal", "staff-deal")
    assert problems == []


def test_the_change_request_and_notification_screens_pass_axe_at_phone_width(
    audited: Any, portal_stack: Stack
) -> None:
    page = audited
    problems = []
    sign_in(page, portal_stack, "Bianca Reyes")
    page.get_by_role("link", name="Reyes purchase — 14 Elm St").click()
    page.get_by_text("Ask for a change", exact=True).click()
    page.get_by_label("What would you like to change?").select_option(label="Repair request")
    page.get_by_label("Credit asked instead (dollars) (optional)").wait_for()
    problems += check(page, "client-ask-for-a-change")
    sign_in(page, portal_stack, "Cora Diaz")
    problems += visit(page, "Changes", "Change requests", "staff-change-requests", level=1)
    page.get_by_role("link", name="My deals").click()
    page.get_by_role("link", name="Reyes purchase — 14 Elm St").click()
    section = page.locator("section", has=page.get_by_role("heading", name="Notifications sent"))
    section.get_by_label("Person").select_option(label="Bianca Reyes (client)")
    section.get_by_label("Channel").select_option("in_app")
    section.get_by_role("button", name="Show notifications").click()
    section.locator("li").first.wait_for()
    problems += check(page, "staff-deal-notifications")
    assert problems == []


def test_the_intake_lead_contact_and_account_screens_pass_axe_at_phone_width(
    audited: Any, portal_stack: Stack
) -> None:
    page = audited
    problems = []
    page.goto(portal_stack.portal + "/intake/harbor-main")
    page.get_by_label("What can we help you with?").select_option(label="Buy a home")
    page.get_by_role("button", name="Send").click()  # nothing filled in: every problem beside its field
    page.locator(".field-error").first.wait_for()
    problems += check(page, "visitor-intake")
    sign_in(page, portal_stack, "Cora Diaz")
    page.get_by_role("link", name="Leads").click()
    page.locator("li.lead").first.wait_for()
    problems += check(page, "staff-leads")
    page.get_by_role("link", name="Nora Lind", exact=True).click()
    page.get_by_role("heading", name="Possible duplicates").wait_for()
    problems += check(page, "staff-lead")
    page.get_by_role("link", name="Nora Lind", exact=True).click()  # the lead's contact
    page.get_by_role("heading", name="Merge a duplicate").wait_for()
    problems += check(page, "staff-contact")
    page.get_by_role("link", name="Contacts").click()
    page.get_by_label("Street address starts with").fill("200 Harbor")
    page.get_by_role("button", name="Search").last.click()
    problems += visit(page, re.compile("^200 Harbor St"), "Details", "staff-property")
    page.get_by_role("link", name="Contacts").click()
    page.locator("li.item").first.wait_for()
    problems += check(page, "staff-contacts")
    page.get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Harbor Oak Capital LLC").click()
    page.get_by_role("heading", name=re.compile("^Members")).wait_for()
    page.get_by_role("link", name="Harbor Oak purchase — 41 Dock St").wait_for()
    problems += check(page, "staff-account")
    page.get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Harbor Oak Capital LLC").wait_for()
    problems += check(page, "staff-accounts")
    page.goto(portal_stack.portal + "/deals")
    page.get_by_role("link", name="Harbor Oak purchase — 41 Dock St").click()
    section = page.locator("section", has=page.get_by_role("heading", name="The deal's account"))
    section.get_by_role("button", name="Invite the account's members").click()  # both were invited already
    section.get_by_role("heading", name="Already on the deal (2)").wait_for()
    section.scroll_into_view_if_needed()
    problems += check(page, "staff-deal-account-access")
    assert problems == []


def test_the_org_settings_screens_pass_axe_at_phone_width(audited: Any, portal_stack: Stack) -> None:
    page = audited
    problems = []
    sign_in(page, portal_stack, "Ada Park")
    problems += visit(page, "Admin", "Settings for the org", "staff-admin", level=1)
    problems += visit(page, "Templates", "Templates", "staff-templates", level=1)
    page.get_by_role("link", name="New York purchase").click()
    page.get_by_role("button", name="Show what changed").click()
    page.get_by_role("heading", name="From version 1 to the draft").scroll_into_view_if_needed()
    problems += check(page, "staff-template")
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Integrations").click()
    page.get_by_text("message (1)").click()
    problems += check(page, "staff-integrations")
    page.get_by_role("link", name="Harbor Main CRM (demo: this host does not exist)").click()
    page.locator("li.item", has_text="attempt").first.wait_for()
    problems += check(page, "staff-webhook")
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("button", name="Show my calendar link").click()
    assert ".ics" in page.get_by_label("Your calendar link").input_value() and ".ics" not in page.url
    problems += check(page, "settings-calendar")
    page.get_by_role("link", name="My deals").click()
    page.get_by_role("link", name="Reyes purchase — 14 Elm St").click()
    addendum = page.locator("li.item", has_text="Purchase agreement addendum 1")
    addendum.get_by_text("E-signature").click()
    addendum.get_by_text("Sent: waiting for the signers.").wait_for()
    problems += check(page, "staff-deal-esign")
    # a coordinator reads the template but may not publish it (the API's rule, shown before she tries)
    sign_in(page, portal_stack, "Cora Diaz")
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Templates").click()
    page.get_by_role("link", name="New York purchase").click()
    assert page.get_by_role("button", name="Publish").is_disabled()
    page.get_by_text("Only an admin of the org can publish.").wait_for()
    assert problems == []
