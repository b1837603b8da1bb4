"""The progress matrix's cell detail opens where the admin is looking.

On a 390 px phone a tapped cell used to load its detail some 2,400 px further down,
below the whole matrix; now it comes over the page as a dialog, focus moves into it,
Escape closes it and focus returns to the cell. On a wide screen it opens in the
panel beside the matrix, with the same keyboard behaviour. Without JavaScript the
cell is a link to the detail page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, screenshot
from tests.browser.test_admin_flows import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-GB"
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def _focus_in_panel(page: Any) -> bool:
    return bool(
        page.evaluate("() => document.getElementById('panel').contains(document.activeElement)")
    )


def _focused_href(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.getAttribute('href') || ''"))


def test_on_a_phone_a_tapped_cell_opens_its_detail_in_view(
    phone: Any, live_server: LiveServer
) -> None:
    page = phone
    log_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.base_url}/admin/progress")
    page.evaluate("() => document.fonts.ready")
    cell = page.locator(".cell-link").last
    cell.scroll_into_view_if_needed()
    href = cell.get_attribute("href")
    # when the admin taps a cell
    cell.tap()
    panel = page.locator("#panel")
    panel.get_by_text("Lessons and blockers").wait_for()
    # then the detail is within the viewport, as a dialog, with focus inside it
    box = panel.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None
    assert 0 <= box["y"] < height
    assert box["y"] + min(box["height"], 200) <= height
    assert panel.get_attribute("role") == "dialog"
    assert _focus_in_panel(page)
    screenshot(page, "matrix-detail-390", full_page=False)
    # and Escape closes it and gives focus back to the cell
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('panel').classList.contains('open')")
    assert _focused_href(page) == href
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('panel')).position")
        != "fixed"
    )
    # and its Close button does the same
    cell.tap()
    panel.get_by_role("button", name="Close the details").click()
    page.wait_for_function("() => !document.getElementById('panel').classList.contains('open')")
    assert _focused_href(page) == href


def test_by_keyboard_on_a_wide_screen_focus_goes_into_the_panel_and_back(
    page: Any, live_server: LiveServer
) -> None:
    page.set_viewport_size({"width": 1280, "height": 860})
    log_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.base_url}/admin/progress")
    cell = page.locator(".cell-link").first
    href = cell.get_attribute("href")
    cell.focus()
    page.keyboard.press("Enter")
    page.locator("#panel").get_by_text("Lessons and blockers").wait_for()
    assert _focus_in_panel(page)
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('panel')).position")
        != "fixed"
    )
    assert page.url.endswith("/admin/progress")  # no page load
    page.keyboard.press("Escape")
    assert _focused_href(page) == href


def test_without_javascript_a_cell_is_a_link_to_its_page(
    browser: Any, live_server: LiveServer
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "admin@acme.example")
        page.goto(f"{live_server.base_url}/admin/progress")
        cell = page.locator(".cell-link").first
        href = cell.get_attribute("href")
        cell.click()
        page.wait_for_url(f"**{href}")
        assert page.get_by_role("heading", name="Lessons and blockers").is_visible()
    finally:
        context.close()
