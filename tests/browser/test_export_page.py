"""The export page in a real browser: an employee found by a search and chosen by
keyboard, with JavaScript (matches as you type) and without (a plain GET form), at
1280 and 390 px, with axe-core. Screenshots: admin-export-*."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.axe import serious_violations, serve_axe
from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import WIDER_THAN_SCREEN, log_in

pytestmark = pytest.mark.browser


def _fits_and_passes_axe(page: Any, server: LiveServer) -> None:
    page.evaluate("document.fonts.ready")
    assert page.evaluate(WIDER_THAN_SCREEN) == []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    assert serious_violations(page, server.base_url) == []


def test_an_admin_finds_an_employee_by_search_and_chooses_them_by_keyboard(
    page: Any, live_server: LiveServer
) -> None:
    serve_axe(page, live_server.base_url)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.base_url}/admin/export")
    assert page.locator("select#f-employee").count() == 0  # no list of everyone
    # typing finds the people with a certificate (htmx, no page load)
    page.get_by_label("Employee").focus()
    page.keyboard.type("bru")
    matches = page.locator("#employee-matches")
    choice = matches.get_by_role("link", name=re.compile("Bruno Costa"))
    choice.wait_for()
    assert "Chloé" not in matches.inner_text()
    assert "q=bru" in page.url  # pushed: a reload keeps the search
    _fits_and_passes_axe(page, live_server)
    screenshot(page, "admin-export-search-1280")

    # the next Tab after the search box reaches the match; Enter chooses it
    page.get_by_label("Employee").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Bruno Costa")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"employee=\d+"))
    page.wait_for_load_state()
    assert "Bruno Costa" in page.locator(".chosen-person").inner_text()
    assert page.get_by_role("heading", name="1 certificate selected").is_visible()
    assert re.search(
        r"employee=\d+", page.get_by_role("link", name="Download ZIP").get_attribute("href")
    )
    _fits_and_passes_axe(page, live_server)
    screenshot(page, "admin-export-chosen-1280")
    # another filter changed in place keeps the choice, and "Any employee" keeps that filter
    page.get_by_label("Course").select_option(label="Feedback That Lands")
    page.get_by_role("heading", name="No certificates match").wait_for()
    any_employee = page.get_by_role("link", name="Any employee")
    assert re.search(r"course=\d+", any_employee.get_attribute("href"))
    assert re.search(r"employee=\d+", page.url)
    page.get_by_label("Course").select_option(label="All courses")
    page.get_by_role("heading", name="1 certificate selected").wait_for()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _fits_and_passes_axe(page, live_server)
    screenshot(page, "admin-export-chosen-390")
    # "Any employee" clears the choice and brings the search back
    page.get_by_role("link", name="Any employee").click()
    page.get_by_label("Employee").wait_for()
    assert "employee=" not in page.url
    page.get_by_label("Employee").press_sequentially("acme")  # keyup: htmx asks
    matches.get_by_role("link").nth(2).wait_for()
    _fits_and_passes_axe(page, live_server)
    screenshot(page, "admin-export-search-390")
    # the matches follow a filter changed in place: choosing one keeps the course
    page.get_by_label("Course").select_option(label="Leading Teams")
    page.wait_for_selector('#employee-matches a[href*="course="]')
    assert page.get_by_label("Employee").input_value() == "acme"


def test_the_export_search_works_without_javascript(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server, "admin@acme.example")
        page.goto(f"{live_server.base_url}/admin/export")
        page.get_by_label("Employee").fill("chlo")
        with page.expect_navigation():
            page.get_by_label("Employee").press("Enter")
        assert "q=chlo" in page.url
        with page.expect_navigation():
            page.locator("#employee-matches").get_by_role("link", name=re.compile("Chloé")).click()
        assert "Chloé Martin" in page.locator(".chosen-person").inner_text()
        assert page.get_by_role("heading", name="1 certificate selected").is_visible()
    finally:
        context.close()
