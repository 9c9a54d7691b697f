"""The org's settings in the portal: an admin makes a template of their own from a built-in (edit, see a
problem with its path, fix it, publish), then connects a webhook to a receiver, keeps its secret (shown
once), sends a test event and sees it delivered in the log. The receiver checks the signature with the
secret the page showed."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.portal.conftest import Stack, press, sign_in, snap
from tests.webhooks.support import Receiver

ADMIN = "ada.admin@harbormain.example"
COORDINATOR = "cora.coord@harbormain.example"
DEAL_CLIENT = "tara.template@mail.example"  # a client of the test's own deal, so no demo inbox changes


def test_an_admin_publishes_a_template_and_connects_a_webhook(page: Any, portal_stack: Stack) -> None:
    sign_in(page, portal_stack, "Ada Park")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal_stack.portal)

    # Given the admin clones the built-in purchase from the org's settings
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Templates").click()
    page.get_by_label("Clone from").select_option(label="Home purchase (built-in)")
    name = f"Portal purchase {time.time_ns()}"
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Clone into a draft").click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    editor = page.get_by_label("Definition")
    page.get_by_text("Draft saved as revision").wait_for()  # the draft is in the editor

    # When she adds a task in a stage the template does not have, and checks the draft
    definition = json.loads(editor.input_value())
    task = {**definition["tasks"][0], "key": "portal_tour", "title": "Show the buyer the portal"}
    task.update(stage="nowhere", locked=False)
    task.pop("depends_on", None)
    definition["tasks"].append(task)
    where = f"tasks[{len(definition['tasks']) - 1}]"
    editor.fill(json.dumps(definition, indent=2))
    press(page, page.get_by_role("button", name="Check for problems"), "The draft has 1 problem.")

    # Then the problem is listed with where it is
    problems = page.get_by_role("list", name="Problems in the draft")
    assert where in problems.inner_text() and "nowhere" in problems.inner_text(), problems.inner_text()
    snap(page, "staff-template-problems")

    # When she fixes it, checks again and publishes
    task["stage"] = definition["tasks"][0]["stage"]
    editor.fill(json.dumps(definition, indent=2))
    press(page, page.get_by_role("button", name="Check for problems"), "The draft has no problems.")
    press(page, page.get_by_role("button", name="Publish"), "Published as version 1.")

    # Then version 1 is listed, and it has her task (the API agrees)
    page.get_by_text("Version 1", exact=True).first.wait_for()
    template_id = page.url.rsplit("/", 1)[1]
    published = portal_stack.call(ADMIN, "GET", f"/v1/admin/templates/{template_id}/versions/1")
    assert "Show the buyer the portal" in [t["title"] for t in published["definition"]["tasks"]]

    # Given a deal runs version 1, and version 2 adds a task (the API, as the brokerage would)
    deal = portal_stack.call(
        COORDINATOR,
        "POST",
        "/v1/deals",
        {
            "workflow": "purchase",
            "title": "Portal template move — 7 Pine Rd",
            "template_id": template_id,
            "property": {
                "address": {"line1": "7 Pine Rd", "city": "Trenton", "state": "NJ", "postal_code": "08608"}
            },
            "key_dates": {"offer_accepted": "2026-12-01"},
            "parties": [{"email": DEAL_CLIENT, "role": "client"}],
        },
    )
    draft = portal_stack.call(ADMIN, "GET", f"/v1/admin/templates/{template_id}")
    welcome = {**task, "key": "welcome_pack", "title": "Send the welcome pack"}
    draft["definition"]["tasks"].append(welcome)
    portal_stack.call(
        ADMIN,
        "PUT",
        f"/v1/admin/templates/{template_id}/draft",
        {"definition": draft["definition"]},
        if_match=draft["template"]["draft_version"],
    )
    portal_stack.call(ADMIN, "POST", f"/v1/admin/templates/{template_id}/publish")

    # When she looks at what moving the deal would change, then applies it
    page.goto(f"{portal_stack.portal}/deals/{deal['id']}")
    press(
        page,
        page.get_by_role("button", name="Move to the newer template version"),
        "Here is what would change.",
    )
    page.get_by_text("Task: Send the welcome pack").wait_for()
    press(page, page.get_by_role("button", name="Apply: move to version 2"), "The deal moved to version 2.")

    # Then the deal runs version 2 and has the new task
    moved = portal_stack.call(ADMIN, "GET", f"/v1/deals/{deal['id']}")
    assert moved["template_version"] == 2 and "Send the welcome pack" in [t["title"] for t in moved["tasks"]]

    # When she adds a webhook for the receiver (local mode delivers to loopback)
    receiver = Receiver().start()
    hook_id = ""
    try:
        page.get_by_role("link", name="Admin").click()
        page.get_by_role("link", name="Integrations").click()
        page.get_by_label("Address (https)").fill(receiver.url)
        page.get_by_text("message (1)").click()
        page.get_by_label("message.posted").check()
        page.get_by_role("button", name="Add the webhook").click()

        # Then the secret is shown once, and copies
        secret = page.get_by_label("Signing secret", exact=True).input_value()
        assert secret.startswith("whsec_") and "whsec_" not in page.url
        press(page, page.get_by_role("button", name="Copy the signing secret"), "Signing secret copied.")
        assert page.evaluate("navigator.clipboard.readText()") == secret
        receiver.secrets = [secret]
        snap(page, "staff-webhook-secret")
        page.get_by_role("link", name="Open it to send a test event and read its delivery log").click()
        page.get_by_role("heading", level=1, name="Webhook").wait_for()
        hook_id = page.url.rsplit("/", 1)[1]
        assert secret not in page.content()  # never shown again

        # When she sends a test event
        page.get_by_role("button", name="Send a test event").click()

        # Then the page follows it to "delivered", the log lists it, and the receiver verified it
        page.get_by_text("Test event delivered (answer 200).").wait_for(timeout=90_000)
        entry = page.locator("li.item", has_text="webhook.test")
        assert "delivered" in entry.inner_text() and "1 attempt" in entry.inner_text()
        (got,) = [r for r in receiver.received if r.json["type"] == "webhook.test"]
        assert got.verified_with == [0]
        entry.scroll_into_view_if_needed()
        snap(page, "staff-webhook-log")
    finally:
        receiver.stop()
        if hook_id:  # the shared stack: remove what this test added
            portal_stack.call(ADMIN, "DELETE", f"/v1/admin/webhooks/{hook_id}")
