"""The Notifications page in a real browser: reached from the account page, switched by
keyboard alone, axe-core clean, and screenshots at 1280 and 390 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import WIDER_THAN_SCREEN, log_in

pytestmark = pytest.mark.browser


def _check(page: Any, server: LiveServer, name: str) -> None:
    page.wait_for_load_state("networkidle")
    assert serious_violations(page, server.base_url) == [], f"{name}: {page.url}"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.evaluate(WIDER_THAN_SCREEN) == [], f"{name} at {width} px"
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_admin_turns_the_weekly_digest_on_by_keyboard(
    page: Any, live_server: LiveServer
) -> None:
    serve_axe(page, live_server.base_url)
    log_in(page, live_server, "admin@acme.example")
    # given the account page, which links to the notifications
    page.goto(f"{live_server.base_url}/admin/account")
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Notifications").is_visible()
    _check(page, live_server, "admin-notifications")
    # when the admin turns the digest on with the keyboard alone
    button = page.get_by_role("button", name="Turn on the weekly overdue digest")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    # then the page says so, and offers to turn it off
    assert page.get_by_role("status").inner_text().startswith("Subscribed.")
    assert page.get_by_role("button", name="Turn off the weekly overdue digest").is_visible()
    _check(page, live_server, "admin-notifications-on")
