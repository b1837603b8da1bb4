"""Leavers in a real browser (issue 16): an admin deactivates an employee who left, by
keyboard-reachable links and forms without JavaScript needs; the matrix and the
employee page mark them; axe-core finds nothing serious; nothing is wider than a
390 px phone. Screenshots (LLP_SCREENSHOT_DIR=docs/screenshots):
admin-employee-left-*, admin-matrix-left-*, admin-employee-remove-*."""

from __future__ import annotations

from typing import Any

import pytest

from llp_gql.models import User
from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import WIDER_THAN_SCREEN, log_in

pytestmark = pytest.mark.browser

WIDTHS = {"1280": (1280, 900), "390": (390, 844)}


def check(page: Any, server: LiveServer, what: str) -> None:
    assert serious_violations(page, server.base_url) == [], f"{what}: {page.url}"
    if page.viewport_size["width"] <= 400:
        assert page.evaluate(WIDER_THAN_SCREEN) == [], what


def test_an_admin_deactivates_a_leaver_who_stays_in_the_matrix(
    page: Any, live_server: LiveServer
) -> None:
    server = live_server
    serve_axe(page, server.base_url)
    leaver = server.run(lambda: User.get(email="aiko@acme.example"))  # two certificates
    log_in(page, server, "admin@acme.example")

    # the removal page says what would be withdrawn and offers deactivation first
    page.goto(f"{server.base_url}/admin/employees/{leaver.id}/remove")
    assert "2 certificates will be withdrawn" in page.inner_text("main")
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        check(page, server, f"remove page at {width}")
        screenshot(page, f"admin-employee-remove-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Deactivate instead").click()
    page.wait_for_load_state("networkidle")
    check(page, server, "deactivation page")
    page.get_by_role("button", name=f"Deactivate {leaver.name}").click()
    page.wait_for_load_state("networkidle")

    # the employee page says they left and offers reactivation
    assert "Left the company on" in page.inner_text("main")
    assert page.get_by_role("button", name=f"Reactivate {leaver.name}").is_visible()
    assert page.get_by_role("link", name="Assign a course").count() == 0
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        check(page, server, f"employee page at {width}")
        screenshot(page, f"admin-employee-left-{width}")

    # the matrix keeps them, marked "Left", with their completed courses
    page.goto(f"{server.base_url}/admin/progress")
    row = page.locator("tr.left")
    assert row.count() == 1
    assert "Left" in row.inner_text()
    assert "Completed" in row.inner_text()
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        check(page, server, f"matrix at {width}")
        screenshot(page, f"admin-matrix-left-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Left the company", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr").count() == 1

    # the other pages of the issue pass axe too
    for path in (
        f"/admin/employees/{leaver.id}/rename",
        f"/admin/employees/{leaver.id}/admin?make=0",
        "/admin/employees?people=all",
        "/admin/account",
    ):
        page.goto(f"{server.base_url}{path}")
        check(page, server, path)

    # and reactivation gives access back
    page.goto(f"{server.base_url}/admin/employees/{leaver.id}")
    page.get_by_role("button", name=f"Reactivate {leaver.name}").click()
    page.wait_for_load_state("networkidle")
    assert "Reactivated" in page.inner_text("main")
    # the active person's page offers the membership actions, and fits a phone
    assert page.get_by_role("link", name="Deactivate (left the company)").is_visible()
    assert page.get_by_role("link", name="Make company admin").is_visible()
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        check(page, server, f"active employee page at {width}")
        screenshot(page, f"admin-employee-active-{width}")
