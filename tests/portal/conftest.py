"""Browser tests of the reference portal: a `make run` stack on spare ports (emulator, API, portal), driven
by Playwright in the system Chromium, exactly as a person would use it.

Everything a test needs from the stack comes through the `portal_stack` fixture (its URLs and the demo
tokens), so it can switch to a shared session stack without touching the tests. A failing test leaves a
screenshot of the page in `.local/portal-failures/`.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devstack.environment import ROOT
from tests.support.local_stack import LocalStack

CHROMIUM = os.environ.get("THRESHOLD_CHROMIUM", "/usr/bin/chromium")
# The system Chromium, quiet and sandbox-free (CI containers run as root); Playwright cannot download its own.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
FAILURES = ROOT / ".local" / "portal-failures"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = os.environ.get("THRESHOLD_PORTAL_SCREENSHOTS")  # a folder: the walks save each main screen
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"


@dataclass(frozen=True)
class Stack:
    portal: str
    api: str
    emulator: str
    tokens: dict[str, str]

    def call(self, email: str, method: str, path: str, body: Any = None, if_match: int | None = None) -> Any:
        """The API as `email`, for a test's Given steps (what the brokerage did before the browser)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.tokens[email]}", "Content-Type": "application/json"}
        if if_match is not None:
            headers["If-Match"] = f'"{if_match}"'
        request = urllib.request.Request(self.api + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return json.load(reply)
        except urllib.error.HTTPError as refused:
            raise AssertionError(
                f"{method} {path} answered {refused.code}: {refused.read().decode()}"
            ) from None

    def emails_to(self, address: str) -> list[dict[str, Any]]:
        """What the emulator's SES sent to `address`, oldest first (the invitee's inbox)."""
        with urllib.request.urlopen(f"{self.emulator}/moto-api/data.json", timeout=60) as reply:
            sent = json.load(reply)["ses"]["Message"]
        return [m for m in sent if address in m["destinations"].get("ToAddresses", [])]


@pytest.fixture(scope="session")
def portal_stack(local_stack: LocalStack) -> Stack:
    """The session's shared `make run` (tests/support/local_stack.py): emulator, API and portal."""
    return Stack(
        portal=f"http://127.0.0.1:{local_stack.portal_port}",
        api=local_stack.api_url,
        emulator=local_stack.emulator_url,
        tokens=local_stack.tokens(),
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM} (`.ci/run` installs it: apt-get install chromium)"
        if os.environ.get("THRESHOLD_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_OUTCOME] = report.failed
    return report


_OUTCOME = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A phone-sized page; any browser error fails the test, and a failure leaves a screenshot."""
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    if request.node.stash.get(_OUTCOME, False):
        FAILURES.mkdir(parents=True, exist_ok=True)
        shot = FAILURES / f"{request.node.name}.png"
        tab.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failing page: {shot}")
    context.close()
    assert not errors, f"the page raised: {errors}"


def sign_in(page: Any, stack: Stack, person: str) -> None:
    """Local sign-in as a demo person, by the name the sign-in page shows."""
    page.goto(stack.portal + "/sign-in")
    page.get_by_role("button", name=person).click()
    page.get_by_role("heading", level=1, name="My deals").wait_for()


def snap(page: Any, screen: str) -> None:
    """With THRESHOLD_PORTAL_SCREENSHOTS set, keep this screen (how docs/portal/*.png are made)."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(1000)  # a PDF viewer or an image finishes drawing (screenshots only)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{screen}.png"))


def announced(page: Any, text: str, timeout: float = 30_000) -> None:
    """Wait for the page to announce `text`; if it shows an error instead, fail with the error's words."""
    status = page.get_by_role("status").filter(has_text=text)
    alert = page.get_by_role("alert")
    status.or_(alert).first.wait_for(timeout=timeout)
    if alert.count():
        raise AssertionError(f"the page showed an error instead of “{text}”: {alert.first.inner_text()}")


def press(page: Any, button: Any, text: str) -> None:
    """Press `button` and wait for `text`; an error shown instead fails the test."""
    button.click()
    announced(page, text)
