"""The Account page in a real browser, on a 390 px phone: change the password, then
sign out everywhere (a module of its own: it changes a login the other tests use)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import WIDER_THAN_SCREEN, nav
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NEW = "a brand new passphrase"


def log_in(page: Any, server: LiveServer, email: str, password: str) -> None:
    page.goto(f"{server.base_url}/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def test_staff_change_their_password_and_sign_out_everywhere_on_a_phone(
    page: Any, live_server: LiveServer
) -> None:
    # given a staff member on a phone, signed in
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "staff@llp.example", PASSWORD)

    # when they open Account from the navigation
    nav(page, "Account").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Your account").is_visible()
    # then nothing is wider than the screen
    assert page.evaluate(WIDER_THAN_SCREEN) == []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the account page scrolls sideways by {overflow} px"
    screenshot(page, "account-phone")

    # when they change their password (a common one first: the form says why not)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("New password again").fill("password1234")
    page.get_by_role("button", name="Change password").click()
    assert "most common" in page.locator("#f-new_password-err").inner_text()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password again").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    # then they stay signed in and are told what happened
    assert page.get_by_role("status").inner_text().startswith("Your password was changed")
    assert page.evaluate(WIDER_THAN_SCREEN) == []
    screenshot(page, "account-changed-phone")

    # when they sign out everywhere, then they land on the login page, signed out
    page.get_by_role("button", name="Sign out everywhere").click()
    page.wait_for_load_state("networkidle")
    assert "/admin/login" in page.url
    assert page.get_by_role("status").inner_text().startswith("You are signed out everywhere")
    page.goto(f"{live_server.base_url}/admin/account")
    assert "/admin/login" in page.url
    # and the new password is the one that works
    log_in(page, live_server, "staff@llp.example", NEW)
    assert page.url.endswith("/admin/staff/courses")
